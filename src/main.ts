/**
 * Entry point (`npm start`). Deliberately tiny: it installs the SIGINT/SIGTERM handlers before the app's module graph
 * loads and links (≈ 0.5 s, during which a signal would otherwise kill the process with no clean exit), then imports
 * the composition root, which stops cleanly whenever a stop was requested. A second signal exits at once.
 */
import { requestStop, stopRequested } from './shared/stop-signal.ts';

function onSignal(signal: NodeJS.Signals): void {
  if (stopRequested()) {
    process.stderr.write(`vigil: ${signal} again; exiting now\n`);
    process.exit(130);
  }
  requestStop(signal);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

await import('./root.ts');
