// The clash preview's latency as the propose form meets it: N (default 50) sequential
// POST /api/v1/platforms/kolenkit/clash-preview against `rotonde serve --demo` (started as the
// browser tests start it, --today 2026-05-31) with drafts like the form's; prints the median,
// p95 and max round trip over loopback in ms. Run: node bench/clash_preview_latency.mjs
// (ROTONDE_BIN picks the binary; tests/browser's npm packages must be installed).
import {startServer, apiAs, PLATFORM} from '../tests/browser/harness.mjs';

const N = Number(process.env.N || 50);
const titles = ['Lentebraderie aan de Bos en Lommerweg', 'Zomermarkt met kraampjes', 'Bewonersavond over groen',
  'Kledingruil voor kinderen', 'Buurtkrant zomereditie', 'Opschoonochtend Erasmuspark', 'Taalcafé op zaterdag',
  'Repair Café: fietsen en lampen', 'Buurtfeest Kolenkitplein', 'Actiegroep groene gevels'];
const kinds = ['INITIATIVE_KIND_STREET_MARKET', 'INITIATIVE_KIND_STREET_MARKET', 'INITIATIVE_KIND_RESIDENTS_MEETING',
  'INITIATIVE_KIND_GIVE_AWAY', 'INITIATIVE_KIND_NEWSLETTER', 'INITIATIVE_KIND_CLEAN_UP', 'INITIATIVE_KIND_OTHER',
  'INITIATIVE_KIND_OTHER', 'INITIATIVE_KIND_STREET_PARTY', 'INITIATIVE_KIND_ACTION_GROUP'];
const places = ['Kolenkitplein', 'Erasmuspark, grasveld bij de speeltuin', 'Buurthuis De Kolenkit, grote zaal', ''];
const days = ['2026-06-13', '2026-06-20', '2026-06-27', '2026-07-04', '', '2026-06-09'];

const server = await startServer();
try {
  const as = await apiAs(server.url, 'dewi');
  const target = `/api/v1/platforms/${PLATFORM}/clash-preview`;
  const times = [];
  let found = 0;
  for (let i = 0; i < N; i += 1) {
    const k = i % titles.length;
    const draft = {kind: kinds[k], title: titles[k],
      description: 'Met hulp van de buren; iedereen is welkom om mee te doen en iets mee te nemen.',
      when: {startDate: days[i % days.length], startTime: '14:00', endTime: '17:00', timeZone: 'Europe/Amsterdam'}};
    const place = places[i % places.length];
    if (place) draft.place = {text: place};
    const t0 = performance.now();
    const r = await as('POST', target, draft);
    times.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    found += r.body.clashes.length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  console.log(`${N} previews, ${found} clashes named; ms: median ${q(0.5).toFixed(1)}, p95 ${q(0.95).toFixed(1)},`
    + ` min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)}, first ${times[0].toFixed(1)}`);
} finally {
  await server.stop();
}
