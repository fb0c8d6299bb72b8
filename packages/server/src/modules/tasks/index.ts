/**
 * What other modules may call.
 *
 * `createTask(trx, { title, shopId?, assigneeId?, dueOn?, note?, link: { kind, id, label } }, actor)`
 * — e.g. diagnosis assigns a finding: `link: { kind: 'finding', id: finding.id, label: finding.title }`.
 */
export { createTask, getTask, listTasks, openTasksOf, type NewTask } from './tasks.service.js';
export { checklistDay } from './checklists.service.js';
export { tasksRoutes } from './tasks.routes.js';
export { raiseMorningDigests, startDigestTimer, userDigest } from './digest.notify.js';
