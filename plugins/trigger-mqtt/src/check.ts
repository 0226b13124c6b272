import type { PropsProblem } from '@sluice/core';
import { isSluiceError } from '@sluice/core';
import { parseServer } from './server.js';

/** The props {@link checkConnection} reads. */
export interface ConnectionPropsToCheck {
  readonly server: string;
  readonly mqttVersion?: 'V3' | 'V5';
  readonly qos?: 0 | 1 | 2;
  readonly crt?: string;
}

const isTemplate = (value: string) => /\{\{|\{%/.test(value);

/**
 * What the schema cannot say about the connection props, checked when the flow is saved: a
 * `server` URL with an unknown scheme, QoS 2 with MQTT 3 (MQTT.js acknowledges a QoS 2 message
 * of MQTT 3 before the trigger could store its execution, so its at-least-once promise could not
 * hold), a `crt` that is not PEM text. Templates are checked when they are rendered.
 */
export function checkConnection(props: ConnectionPropsToCheck): PropsProblem[] {
  const problems: PropsProblem[] = [];
  if (!isTemplate(props.server)) {
    try {
      parseServer(props.server);
    } catch (error) {
      problems.push({ path: ['server'], message: isSluiceError(error) ? error.message : String(error) });
    }
  }
  if (props.qos === 2 && props.mqttVersion === 'V3') {
    problems.push({
      path: ['qos'],
      message: 'qos 2 needs mqttVersion V5: with MQTT 3 the message would be acknowledged before its execution is stored; use qos 1, which also delivers at least once',
    });
  }
  if (props.crt !== undefined && !isTemplate(props.crt) && !props.crt.includes('-----BEGIN')) {
    problems.push({ path: ['crt'], message: "crt must be PEM text (-----BEGIN CERTIFICATE-----...); kestra:// URIs and file paths are not supported" });
  }
  return problems;
}
