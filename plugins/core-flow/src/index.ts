/**
 * `@sluice/plugin-core-flow`: Kestra's flowable tasks, which run other tasks:
 * `io.kestra.plugin.core.flow.Sequential`, `Parallel`, `If`, `Switch`, `ForEach` (and its older
 * forms `EachSequential`, `EachParallel`), `AllowFailure` and `Dag`; the waits `Pause` and `Sleep`, and `Subflow`, which runs another flow: none holds a worker while it waits.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { allowFailure } from './allow-failure.task.js';
import { dag } from './dag.task.js';
import { eachParallel, eachSequential, forEach } from './for-each.task.js';
import { ifTask } from './if.task.js';
import { parallel } from './parallel.task.js';
import { pause } from './pause.task.js';
import { sleep } from './sleep.task.js';
import { subflow } from './subflow.task.js';
import { sequential } from './sequential.task.js';
import { switchTask } from './switch.task.js';

export { sequential, SequentialProps } from './sequential.task.js';
export { parallel, ParallelProps } from './parallel.task.js';
export { ifTask, IfProps, IfOutput } from './if.task.js';
export { switchTask, SwitchProps, SwitchOutput } from './switch.task.js';
export { forEach, ForEachProps, eachSequential, EachSequentialProps, eachParallel, EachParallelProps } from './for-each.task.js';
export { allowFailure, AllowFailureProps } from './allow-failure.task.js';
export { dag, DagProps } from './dag.task.js';
export { pause, PauseProps, PauseOutput, ResumeInput } from './pause.task.js';
export { sleep, SleepProps } from './sleep.task.js';
export { subflow, SubflowProps, SubflowOutput } from './subflow.task.js';
export { flowErrors, MAX_FOREACH_VALUES } from './errors.js';

export default definePluginPackage({ tasks: [sequential, parallel, ifTask, switchTask, forEach, eachSequential, eachParallel, allowFailure, dag, pause, sleep, subflow] });
