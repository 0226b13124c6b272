import type { IPublishPacket } from 'mqtt';

/** One MQTT message as a flow reads it (Kestra's `Message` output). */
export interface MqttMessage {
  readonly id: number;
  readonly topic: string;
  readonly qos: number;
  readonly payload: unknown;
  readonly retain: boolean;
  readonly properties?: Record<string, unknown>;
  readonly responseTopic?: string;
  readonly correlationData?: string;
}

/**
 * The variables of one message. MQTT 5's properties are given as values (Kestra gives their
 * property-id bytes), and `correlationData` in Base64 as Kestra does.
 */
export function messageVariables(packet: IPublishPacket, payload: unknown): MqttMessage {
  const props = packet.properties;
  const properties: Record<string, unknown> = {};
  if (props?.contentType !== undefined) properties.contentType = props.contentType;
  if (props?.payloadFormatIndicator !== undefined) properties.payloadFormatIndicator = props.payloadFormatIndicator;
  if (props?.messageExpiryInterval !== undefined) properties.messageExpiryInterval = props.messageExpiryInterval;
  if (props?.userProperties !== undefined) properties.userProperties = props.userProperties;
  return {
    id: packet.messageId ?? 0,
    topic: packet.topic,
    qos: packet.qos,
    payload,
    retain: packet.retain,
    ...(Object.keys(properties).length === 0 ? {} : { properties }),
    ...(props?.responseTopic === undefined ? {} : { responseTopic: props.responseTopic }),
    ...(props?.correlationData === undefined ? {} : { correlationData: Buffer.from(props.correlationData).toString('base64') }),
  };
}
