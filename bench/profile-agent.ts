/**
 * Preloaded into a service process by `npm run bench:profile` (node -r dist/bench/profile-agent.js):
 * SIGUSR2 starts a CPU profile and a sampling allocation profile of this process; the next SIGUSR2
 * stops both and writes them to PROFILE_AGENT_DIR (cpu.cpuprofile, heap.heapprofile, then done).
 * Started by signal rather than --cpu-prof so that the profiles hold the load only, not startup.
 * Collected objects are kept in the allocation profile: it shows what each layer allocates, not what
 * is still alive at the end.
 */
import inspector from 'inspector';
import { writeFileSync } from 'fs';
import path from 'path';

const directory = process.env.PROFILE_AGENT_DIR;
if (directory !== undefined && directory !== '') {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  let running = false;
  process.on('SIGUSR2', () => {
    const toggle = running
      ? (async () => {
          const { profile } = await post('Profiler.stop');
          const heap = await post('HeapProfiler.stopSampling');
          writeFileSync(path.join(directory, 'cpu.cpuprofile'), JSON.stringify(profile));
          writeFileSync(path.join(directory, 'heap.heapprofile'), JSON.stringify(heap.profile));
          writeFileSync(path.join(directory, 'done'), '');
        })()
      : (async () => {
          await post('Profiler.enable');
          await post('Profiler.setSamplingInterval', { interval: 500 });
          await post('HeapProfiler.enable');
          await post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
          await post('Profiler.start');
          writeFileSync(path.join(directory, 'started'), '');
        })();
    running = !running;
    toggle.catch((error: unknown) => process.stderr.write(`profile agent: ${String(error)}\n`));
  });
}
