// biome-ignore-all lint/suspicious/noExplicitAny: SDK middleware sees every command's own raw input and output
/**
 * The local Step Functions, Scheduler and SES answered in this process, for the simulation
 * (issue 19): a client with the SDK client's `send(command)` and middleware stack, handed to the
 * same adapters (lambdas/adapters/aws.ts) in place of the SDK client. The command's input goes to
 * the same local service the HTTP endpoint (runtime/aws-endpoint.ts) calls, without HTTP and the
 * SDK's serialisation (7 % of a simulated year's CPU); errors carry AWS's error name as the SDK's
 * do. `npm start` keeps the SDK clients on the HTTP endpoint: the code paths of AWS.
 *
 * The middleware stack runs what the runtime adds to the SDK clients (the usage meter, the record
 * of AWS calls per function) in the order the SDK's `initialize` step would.
 */
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type AwsEndpointServices, sendEmail, stepFunctionsCall } from './aws-endpoint.js';
import type { LocalScheduler } from './scheduler.js';
import { AwsError, type LocalStepFunctions } from './stepfunctions.js';

type Middleware = (next: (args: any) => Promise<any>, context: any) => (args: any) => Promise<any>;
type Command = { input: any; constructor: { name: string } };
type Route = [new (input: any) => Command, (input: any) => Promise<unknown> | unknown];

/** A client of one local service: the SDK client's `send` and `middlewareStack.add`. */
class InProcessClient {
  private readonly middlewares: Middleware[] = [];
  /**
   * Per command class: its route's answer inside the middleware, composed at its first send and
   * again after a middleware is added, not at every send (a copy of the list, a closure per
   * middleware and a name set on each by tsx, for every in-process call; #19, session 17). The
   * middleware added here (the usage meter, the record of AWS calls) keeps nothing per call in its
   * factory; test/in-process-middleware.test.ts holds it to the SDK's own stack. Bounded by the
   * command classes of the routes.
   */
  private readonly composed = new Map<object, (args: { input: any }) => Promise<any>>();
  readonly middlewareStack = {
    add: (middleware: Middleware, _options?: unknown) => {
      this.middlewares.push(middleware);
      this.composed.clear();
    },
  };

  constructor(private readonly routes: Route[]) {}

  async send(command: Command): Promise<any> {
    let handler = this.composed.get(command.constructor);
    if (!handler) {
      const route = this.routes.find(([cls]) => command instanceof cls);
      if (!route)
        throw new AwsError('UnknownOperationException', `${command.constructor.name} is not supported locally`);
      const answer = route[1];
      handler = async (args: any) => ({ output: { $metadata: {}, ...((await answer(args.input)) as object) } });
      const context = { commandName: command.constructor.name };
      // The first added runs outermost, as middleware added to the SDK's initialize step does.
      for (let i = this.middlewares.length - 1; i >= 0; i--)
        handler = (this.middlewares[i] as Middleware)(handler, context);
      this.composed.set(command.constructor, handler);
    }
    return (await handler({ input: command.input })).output;
  }
}

/** Step Functions in this process: the SFN client's commands on LocalStepFunctions. */
export function inProcessStepFunctions(sfn: LocalStepFunctions): InProcessClient {
  const op = (name: string) => (input: any) => stepFunctionsCall(sfn, name, input);
  return new InProcessClient([
    [StartExecutionCommand, op('StartExecution')],
    [SendTaskSuccessCommand, op('SendTaskSuccess')],
    [SendTaskFailureCommand, op('SendTaskFailure')],
    [SendTaskHeartbeatCommand, op('SendTaskHeartbeat')],
    [StopExecutionCommand, op('StopExecution')],
    [DescribeExecutionCommand, op('DescribeExecution')],
  ]);
}

/** EventBridge Scheduler in this process: one-time schedules on LocalScheduler. */
export function inProcessScheduler(scheduler: LocalScheduler): InProcessClient {
  return new InProcessClient([
    [CreateScheduleCommand, (input) => scheduler.create(String(input.Name), input)],
    [
      DeleteScheduleCommand,
      (input) => {
        scheduler.delete(String(input.Name), input.GroupName ?? 'default');
        return {};
      },
    ],
    [
      GetScheduleCommand,
      (input) => {
        const r = scheduler.get(String(input.Name), input.GroupName ?? 'default');
        return { Name: r.name, GroupName: r.groupName, ScheduleExpression: r.expression, Target: r.target };
      },
    ],
  ]);
}

/** SES v1 in this process: SendEmail into the local mailbox, with the events SES would publish. */
export function inProcessSes(services: Pick<AwsEndpointServices, 'mailbox' | 'publishMailEvent'>): InProcessClient {
  return new InProcessClient([
    [
      SendEmailCommand,
      (input) => ({
        MessageId: sendEmail(services, {
          from: input.Source ?? '',
          to: input.Destination?.ToAddresses ?? [],
          cc: input.Destination?.CcAddresses ?? [],
          subject: input.Message?.Subject?.Data ?? '',
          text: input.Message?.Body?.Text?.Data ?? '',
          html: input.Message?.Body?.Html?.Data ?? '',
          tags: input.Tags ?? [],
          ...(input.ConfigurationSetName ? { configurationSet: input.ConfigurationSetName } : {}),
        }),
      }),
    ],
  ]);
}
