/** Alert rules (pure, with hysteresis) and the engine that turns them into notifications with persisted state. */
export { ALERT_RULES, DEFAULT_THRESHOLDS, LEVEL_RANK, levelWithHysteresis } from './thresholds.ts';
export type { AlertAction, AlertThresholds, FallingTiers, LevelOrOk, Observation, RisingTiers, Tier } from './thresholds.ts';
export { DEFAULT_ACCOUNT, alertKey, evaluateRules } from './rules.ts';
export type { MonitorInput } from './rules.ts';
export { AlertEngine } from './engine.ts';
export type { ActiveAlert, AlertEvent, AlertEventKind } from './engine.ts';
