import { isSluiceError, type PropsProblem } from '@sluice/core';
import { parseNatsUrl } from './server.js';

/** The props {@link checkNats} reads. */
export interface NatsPropsToCheck {
  readonly url: string;
  readonly deliverPolicy?: string;
  readonly since?: string;
}

const isTemplate = (value: string) => /\{\{|\{%/.test(value);

/**
 * What the schema cannot say, checked when the flow is saved: a URL of another scheme,
 * `ByStartSequence` (no property gives the sequence), `ByStartTime` without `since`, `since`
 * with another policy (it would be ignored) or not a date. Templates are checked when rendered.
 */
export function checkNats(props: NatsPropsToCheck): PropsProblem[] {
  const problems: PropsProblem[] = [];
  if (!isTemplate(props.url)) {
    try {
      parseNatsUrl(props.url);
    } catch (error) {
      problems.push({ path: ['url'], message: isSluiceError(error) ? error.message : String(error) });
    }
  }
  if (props.deliverPolicy === 'ByStartSequence') {
    problems.push({ path: ['deliverPolicy'], message: 'ByStartSequence is not supported: no property gives the start sequence; use ByStartTime with since' });
  }
  if (props.deliverPolicy === 'ByStartTime' && props.since === undefined) {
    problems.push({ path: ['since'], message: 'deliverPolicy ByStartTime needs since, the time to start from' });
  }
  if (props.since !== undefined && props.deliverPolicy !== undefined && props.deliverPolicy !== 'ByStartTime') {
    problems.push({ path: ['since'], message: 'since is read only with deliverPolicy: ByStartTime' });
  }
  if (props.since !== undefined && !isTemplate(props.since) && Number.isNaN(Date.parse(props.since))) {
    problems.push({ path: ['since'], message: 'since must be an ISO-8601 date-time such as 2024-07-01T00:00:00Z' });
  }
  return problems;
}
