/** What other modules (the server start, the CLI, tasks) may call of the shop diagnosis. */
export {
  diagnose,
  runDiagnosis,
  runForActor,
  listFindings,
  getFinding,
  updateFinding,
  defaultDate,
  shopRef,
  openFindingsOf,
} from './diagnosis.service.js';
export { runDueDiagnoses, startDiagnosisTimer, DIAGNOSIS_JOB_TYPE } from './diagnosis.job.js';
export { diagnosisRoutes } from './diagnosis.routes.js';
export { diagnoseCli } from './diagnosis.cli.js';
export { RULES } from './diagnosis.rules.js';
