import type amqplib from 'amqplib';

let loaded: Promise<typeof amqplib> | undefined;

/**
 * amqplib, imported when a listener first connects rather than at every server start, where it
 * cost about a tenth of a second and 8 MB for installations with no AMQP trigger.
 */
export function loadAmqp(): Promise<typeof amqplib> {
  return (loaded ??= import('amqplib').then((module) => module.default));
}
