/** Alert rules (pure, with hysteresis) and the engine that turns them into notifications with persisted state. */
export {
  ALERT_RULES, DEFAULT_ACCOUNT, DEFAULT_THRESHOLDS, LEVEL_RANK, alertKey, evaluateRules, levelWithHysteresis,
} from './rules.ts';
export type {
  AlertAction, AlertThresholds, FallingTiers, LevelOrOk, MonitorInput, Observation, RisingTiers, Tier,
} from './rules.ts';
export { AlertEngine } from './engine.ts';
export type { ActiveAlert, AlertEvent, AlertEventKind } from './engine.ts';
