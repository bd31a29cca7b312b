/** The Markdown of bench/results/README.md, from the results bench/run.ts measured. */

export function renderMarkdown(results: any): string {
  const yes = (isMet: boolean) => (isMet ? 'met' : '**missed**');
  const ms = (value: number) => `${value} ms`;
  return `# Benchmark results

Produced by \`npm run bench\` (bench/run.ts) on ${results.machine.date.slice(0, 10)}: ${results.machine.cores} cores (${results.machine.cpu}),
${results.machine.memoryGiB} GiB, Node ${results.machine.node}, SQLite. Load: autocannon, ${results.settings.connections} connections,
${results.settings.warmUpSeconds} s warm-up, then ${results.settings.runs} runs of ${results.settings.durationSeconds} s (the sides of P1, of P3 and of P4 in turn, run by run; P4 with the 1x and 10x services up at once); medians. Both APIs are checked to give the
same answer before timing. Raw figures: [latest.json](latest.json).

Datasets: ${Object.entries(results.datasets).map(([scale, d]: [string, any]) => `${scale}: ${Object.entries(d.counts).map(([k, v]) => `${v} ${k}`).join(', ')}, 5 locales (built in ${d.buildSeconds} s)`).join('; ')}.

| | what | measured | goal | |
| --- | --- | --- | --- | --- |
| P1 | therapy page, ours vs Strapi GraphQL (1x), uncached | ours p50 ${ms(results.P1.uncached.ours.p50)}, p99 ${ms(results.P1.uncached.ours.p99)}, ${Math.round(results.P1.uncached.ours.rps)} req/s; Strapi p50 ${ms(results.P1.strapiGraphql.p50)}, p99 ${ms(results.P1.strapiGraphql.p99)}, ${Math.round(results.P1.strapiGraphql.rps)} req/s; p50 ratio ${results.P1.uncached.p50Ratio}x, throughput ratio ${results.P1.uncached.throughputRatio}x | >= 10x | ${yes(results.P1.uncached.isMet)} |
| P1 | the same, as served (response cache on, the default) | ${results.P1.asServed ? `ours p50 ${ms(results.P1.asServed.ours.p50)}, p99 ${ms(results.P1.asServed.ours.p99)}, ${Math.round(results.P1.asServed.ours.rps)} req/s; p50 ratio ${results.P1.asServed.p50Ratio}x, throughput ratio ${results.P1.asServed.throughputRatio}x` : '-'} | >= 10x | ${yes(Boolean(results.P1.asServed?.isMet))} |
| P1 | the same page for a clinic that adapts it (1x): uncached; from the cache | ${results.P1.uncached.adapted ? `uncached p50 ${ms(results.P1.uncached.adapted.ours.p50)}, p99 ${ms(results.P1.uncached.adapted.ours.p99)}, ${Math.round(results.P1.uncached.adapted.ours.rps)} req/s (p50 ratio ${results.P1.uncached.adapted.p50Ratio}x)` : '-'}; ${results.P1.asServed?.adapted ? `cached p50 ${ms(results.P1.asServed.adapted.ours.p50)}, p99 ${ms(results.P1.asServed.adapted.ours.p99)}, ${Math.round(results.P1.asServed.adapted.ours.rps)} req/s` : '-'} | as the plain page | |
| P2 | SQL statements per page (techniques with ${results.P2.treats.fewest} and ${results.P2.treats.most} conditions) | ours ${results.P2.ours.fewest} / ${results.P2.ours.most} (list ${results.P2.ours.list}); adapted ${results.P2.adapted.fewest} / ${results.P2.adapted.most}; Strapi ${results.P2.strapiGraphql.fewest} / ${results.P2.strapiGraphql.most} | constant, <= 3 (adapted <= 4) | ${yes(results.P2.isMet)} |
| P3 | page from the cache (GET) vs bare node:http, same bytes | ours ${results.P3.ours ? Math.round(results.P3.ours.rps) : '-'} req/s (p50 ${results.P3.ours ? ms(results.P3.ours.p50) : '-'}), bare ${results.P3.bare ? Math.round(results.P3.bare.rps) : '-'} req/s: ${results.P3.throughputRatio}x | >= 0.8x | ${yes(results.P3.isMet)} |
| P3 | the bare server sending our hit's headers too (cache tags, ETag, Vary, …) | ${results.P3.withOurHeaders ? `${Math.round(results.P3.withOurHeaders.bare.rps)} req/s: ${results.P3.withOurHeaders.overBare}x the bare ceiling; ours ${results.P3.withOurHeaders.oursOverIt}x of it` : '-'} | reported | |
| P4 | p50 at 10x over 1x | page ${ms(results.P4.page.p50At1x)} → ${ms(results.P4.page.p50At10x)} (${results.P4.page.ratio}x); filtered list ${ms(results.P4.list.p50At1x)} → ${ms(results.P4.list.p50At10x)} (${results.P4.list.ratio}x) | <= 1.3x | ${yes(results.P4.isMet)} |
| P5 | publish through A → fresh through B (2 instances, PostgreSQL, Redis), from the publish call's return | ${'p99' in results.P5 ? `p50 ${ms(results.P5.p50)}, p99 ${ms(results.P5.p99)}, max ${ms(results.P5.max)} over ${results.P5.samples} publishes; the admin's publish call itself p50 ${ms(results.P5.publishP50)}, p99 ${ms(results.P5.publishP99)}; end to end p50 ${ms(results.P5.endToEndP50)}, p99 ${ms(results.P5.endToEndP99)}` : `not measured: ${results.P5.error}`} | p99 <= 250 ms | ${yes(results.P5.isMet)} |
| P6 | start to first response; peak RSS | ${Object.entries(results.P6.startMs).map(([s, v]) => `${s}: ${v} ms`).join(', ')}; ${Object.entries(results.P6.peakRssMb).map(([s, v]) => `${s}: ${v} MB`).join(', ')}${results.P6.peakRssMbWithCache ? `; with the cache at 1x: ${results.P6.peakRssMbWithCache} MB` : ''} | reported | |
| P6 | RSS at saturation (peak, sampled every 200 ms during the load) | uncached P1 load: ${Object.entries(results.P6.saturationRssMb.uncached).map(([s, v]) => `${s}: ${v} MB`).join(', ')}; cached P3 load at 1x: ${results.P6.saturationRssMb.cachedAt1x ?? '-'} MB | reported | |
| P7 | re-warm after a publish: ${results.P7.sites ?? 20} sites, one per clinic (1x, cache on), from the publish call's return to each clinic's first hit with the new name | ${'maxMs' in results.P7 ? `all clinics fresh hits again: median ${ms(results.P7.maxMs.median)}, max ${ms(results.P7.maxMs.max)} over ${results.P7.rounds} publishes (after ${results.P7.warmUpRounds} not counted); per clinic p50 ${ms(results.P7.p50Ms.median)}; misses per publish ${results.P7.misses.median} (max ${results.P7.misses.max}); the publish call itself ${ms(results.P7.publishMs.median)}` : `**failed**: ${results.P7.error}`} | reported | |
`;
}
