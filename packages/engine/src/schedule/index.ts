export { schedulesOf, type SchedulesOfOptions } from './schedules-of.js';
export { fireSchedule, type FireScheduleInput, type ScheduleFiring } from './fire-schedule.js';
export { scheduleIdOf, scheduleExecutionId } from './ids.js';
