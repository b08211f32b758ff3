/** Every benchmark figure: what it means, its unit and its goal, in the tables' order. */
import { FigureRegistry } from '../suite/figures.js';

export const benchFigures = new FigureRegistry({
  P1: { title: 'critical-path efficiency, 3 clusters (wall ÷ critical path)', unit: 'ratio', goal: '<= 1.05' },
  P2_3: { title: 'speed-up vs. the activities run one after another, 3 clusters', unit: 'x', goal: '>= 2.7' },
  P2_8: { title: 'speed-up vs. the activities run one after another, 8 clusters', unit: 'x', goal: '>= 7.2' },
  P2_1: { title: 'speed-up vs. the activities run one after another, 1 cluster (quick)', unit: 'x', goal: '>= 0.9' },
  P3_completed_rerun: { title: 'completed activities executed again after SIGKILL of the worker during join', unit: 'activities', goal: '== 0' },
  P3_inflight_rerun: { title: 'executions again of the activities in flight at that SIGKILL, per activity in flight', unit: 'per in-flight', goal: '<= 1' },
  P4: { title: 'resume latency: retry due (heartbeat timeout expired or new worker up, the later) → retried activity started', unit: 's', goal: '<= 2' },
  P5: { title: 'largest federation of real local clusters completed', unit: 'clusters', goal: '>= 20' },
  P6: { title: '`npm start` run time (tools built)', unit: 's', goal: '<= 60' },
  P7: { title: 'GetOperation calls per created cluster − provisioning ÷ poll interval', unit: 'calls', goal: '<= 3' },
  P8: { title: '`up` → federation usable (canary on every member) ÷ (infrastructure critical path + KubeFed health-check period)', unit: 'ratio', goal: '<= 1' },
  P9: { title: "a federated Service's address appears → its records answer through DNS (sync interval 2 s + 2 s)", unit: 's', goal: '<= 4' },
  P9_idle_changes: { title: 'Cloud DNS change calls in sync passes where nothing changed', unit: 'calls', goal: '== 0' },
});
