import type { BrokerState } from '../../shared/broker-state.js';
import type { BrokerCredentials } from './broker/broker-credentials.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker.js';
import { createExternalBrokerClient, type ExternalBrokerClient } from './broker/external-client.js';
import { type Recorder, wireRecorder } from './broker/recorder.js';
import type { Config } from './config.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import { REPLY_TOPIC_WILDCARD } from './workflow-commands.js';

export type Cleanup = () => void | Promise<void>;

export interface MessageBroker {
  /** The embedded STOMP broker (embedded mode only). */
  broker: EmbeddedBroker | undefined;
  /** The external broker's client (external mode only). */
  brokerClient: ExternalBrokerClient | undefined;
  /** Publishes the core's own messages (workflow control from MCP and the UI). */
  publish(destination: string, body: string): Promise<void>;
}

/**
 * Starts the broker side of the configured mode (the embedded broker, or the client of an
 * external one), feeds every message it delivers to the recorder, and reports its state on the
 * bus as `broker.state`. Each step's undoing goes to `onCleanup`, to run in reverse order.
 */
export async function startMessageBroker(deps: {
  config: Config;
  credentials: BrokerCredentials;
  recorder: Recorder;
  bus: EventBus;
  log: Logger;
  onCleanup(cleanup: Cleanup): void;
}): Promise<MessageBroker> {
  const { config, credentials, recorder, bus, log, onCleanup } = deps;
  let brokerClient: ExternalBrokerClient | undefined;
  if (config.broker.mode === 'external') {
    brokerClient = createExternalBrokerClient({
      url: config.broker.url!,
      login: credentials.login,
      passcode: credentials.passcode,
      caFile: config.broker.caFile,
      // The reply wildcard brings the DAQ simulator's answers to our workflow commands.
      subscriptions: [
        ...new Set([config.workflowTopic, config.heartbeatTopic, REPLY_TOPIC_WILDCARD]),
      ],
      reconnectInitialMs: config.broker.reconnectInitialMs,
      reconnectMaxMs: config.broker.reconnectMaxMs,
      clientId: `swf-control-center-${config.namespace}`,
      onState: (s: BrokerState) => bus.emit('broker.state', s),
      logger: log,
    });
    const unwire = wireRecorder(recorder, brokerClient);
    const client = brokerClient;
    onCleanup(async () => {
      await client.stop();
      unwire();
    });
    // Not awaited: the core serves even while the broker is down; the client keeps retrying.
    brokerClient.start();
  }

  let broker: EmbeddedBroker | undefined;
  if (config.broker.mode === 'embedded') {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: config.broker.port,
      login: credentials.login,
      passcode: credentials.passcode,
      supervised: credentials.supervised,
      logger: log,
      onCutOff: (total) =>
        bus.emit('broker.state', {
          mode: 'embedded',
          state: 'listening',
          detail: `127.0.0.1:${broker?.port ?? config.broker.port}`,
          slowConsumersCut: total,
        }),
    });
    const embedded = broker;
    bus.emit('broker.state', {
      mode: 'embedded',
      state: 'listening',
      detail: `127.0.0.1:${embedded.port}`,
    });
    onCleanup(async () => {
      await embedded.close();
      bus.emit('broker.state', { mode: 'embedded', state: 'stopped', detail: '' });
    });
    // The recorder observes every routed message (queues included) without taking any.
    onCleanup(wireRecorder(recorder, embedded));
  }

  const publish = (destination: string, body: string): Promise<void> => {
    const target = broker ?? brokerClient;
    if (!target) return Promise.reject(new Error('no broker in this configuration'));
    return target.send(destination, body);
  };
  return { broker, brokerClient, publish };
}
