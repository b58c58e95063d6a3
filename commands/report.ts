import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtHealth, fmtLeverage, fmtPct, fmtSignedPct, fmtSignedUsd, fmtTime, fmtUsd } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'report',
  description: 'The daily report now: value, PnL, risk, active alerts and a chart',
  role: 'viewer',
  group: 'Alerts',
  args: {},
  async run({ services }) {
    const p = await services.portfolio.refresh();
    const tz = services.runtime.timeZone;
    const dayAgo = (await services.performance.view(1)).equity;
    const before = dayAgo.value[0];
    const now = Number(p.totalValueUsd) / 1e6;
    const change = before ? `${fmtSignedUsd(p.totalValueUsd - BigInt(Math.round(before * 1e6)))} (${fmtSignedPct(now / before - 1)}) since ${fmtTime(dayAgo.t[0] ?? p.asOf, tz)}` : 'not enough history yet';
    let risk = 'unavailable';
    try {
      const { report: r } = await services.risk.report();
      risk = `VaR 1d ${fmtPct(r.var1d.var)} (${fmtUsd(BigInt(Math.round(r.var1d.var * r.equityUsd * 1e6)))}) · vol ${fmtPct(r.volAnnual, 0)} a year`;
    } catch {
      // The rest of the report stands without history.
    }
    const { active } = await services.alerts.overview();
    const chart = await services.charts.render('equity').catch(() => null);
    return reply.of(
      reply.title(`Daily report · ${fmtTime(p.asOf || services.clock.now(), tz)}`),
      reply.fields([
        ['Value', fmtUsd(p.totalValueUsd)],
        [before && (dayAgo.t[0] ?? p.asOf) <= p.asOf - 23 * 3_600_000 ? 'Change 24h' : 'Change', change],
        ['Unrealised PnL', fmtSignedUsd(p.unrealizedPnlUsd)],
        ['Health · leverage', `${fmtHealth(p.health)} · ${fmtLeverage(p.leverage)}`],
        ['Risk', risk],
        ['Active alerts', active.length === 0 ? 'none' : active.map((a) => `${a.level} ${a.observation.title}`).join('; ')],
      ]),
      chart ? reply.image(chart.png, chart.alt, chart.filename) : null,
    );
  },
});
