// Drives a running sluice (cmd/sluice) with the AWS SDK for JavaScript v3.
//
//   npm ci && SLUICE_URL=http://127.0.0.1:4566 node clients.mjs
//
// Prints "N passed, N failed" and exits non-zero on a failure.
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, SendMessageCommand, SendMessageBatchCommand,
  ReceiveMessageCommand, DeleteMessageCommand, GetQueueAttributesCommand, DeleteQueueCommand, QueueDoesNotExist,
} from "@aws-sdk/client-sqs";
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, DeleteTopicCommand, GetTopicAttributesCommand,
  NotFoundException,
} from "@aws-sdk/client-sns";
import {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand, ListShardsCommand,
  GetShardIteratorCommand, GetRecordsCommand, DeleteStreamCommand, ResourceNotFoundException,
  RegisterStreamConsumerCommand, SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";
import { createHash } from "node:crypto";

const endpoint = process.env.SLUICE_URL ?? "http://127.0.0.1:4566";
const common = { region: "us-east-1", endpoint, maxAttempts: 1, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const sqs = new SQSClient(common);
const sns = new SNSClient(common);
const kinesis = new KinesisClient(common);

async function advance(by) {
  const r = await fetch(`${endpoint}/_sluice/clock/advance?by=${by}`, { method: "POST" });
  expect(r.ok, `advance: ${r.status}`);
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

async function errorOf(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("no error");
}

async function checkSQS() {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "js-jobs" }));
  expect(QueueUrl === `${endpoint}/123456789012/js-jobs`, `QueueUrl ${QueueUrl}`);
  const body = 'js "body"\r\n<&>';
  // The SDK checks MD5OfMessageBody and MD5OfMessageAttributes itself.
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl, MessageBody: body,
    MessageAttributes: { kind: { DataType: "String", StringValue: "x" }, bin: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2]) } },
  }));
  expect(sent.MD5OfMessageBody === createHash("md5").update(body).digest("hex"), "MD5OfMessageBody");
  const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: "one" }, { Id: "b", MessageBody: "two" }] }));
  expect(batch.Successful.length === 2 && batch.Failed === undefined, `batch ${JSON.stringify(batch)}`);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }));
  expect(got.Messages.length === 3 && got.Messages[0].Body === body, `receive ${JSON.stringify(got.Messages)}`);
  expect(got.Messages[0].MessageAttributes.bin.BinaryValue[1] === 2, "binary attribute");
  for (const m of got.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  expect(empty.Messages === undefined, "empty receive");
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
  expect(attrs.Attributes.QueueArn.endsWith(":js-jobs"), "QueueArn");
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  const e = await errorOf(sqs.send(new GetQueueUrlCommand({ QueueName: "js-jobs" })));
  expect(e instanceof QueueDoesNotExist, `error class ${e.name}: ${e.message}`);
  expect(e.$metadata.httpStatusCode === 400, "status 400");
}

async function checkSNS() {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "js-orders" }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "js-billing" }));
  const q = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.Attributes.QueueArn }));
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: "to the queue", Subject: "hi" }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  const note = JSON.parse(got.Messages[0].Body);
  expect(note.Type === "Notification" && note.MessageId === MessageId && note.Message === "to the queue", `envelope ${got.Messages[0].Body}`);
  await sns.send(new DeleteTopicCommand({ TopicArn }));
  const e = await errorOf(sns.send(new GetTopicAttributesCommand({ TopicArn })));
  expect(e instanceof NotFoundException, `error class ${e.name}`);
}

async function checkKinesis() {
  const StreamName = "js-events";
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  await advance("1m");
  const { StreamDescriptionSummary: sum } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
  expect(sum.StreamStatus === "ACTIVE" && sum.StreamCreationTimestamp instanceof Date, `summary ${JSON.stringify(sum)}`);
  const records = Array.from({ length: 5 }, (_, i) => ({ PartitionKey: `k${i}`, Data: new Uint8Array([i, 255]) }));
  const put = await kinesis.send(new PutRecordsCommand({ StreamARN: sum.StreamARN, Records: records }));
  expect(put.FailedRecordCount === 0 && put.Records.length === 5, `PutRecords ${JSON.stringify(put)}`);
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName }));
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId: Shards[0].ShardId, ShardIteratorType: "TRIM_HORIZON" }));
  const got = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  expect(got.Records.length === 5 && got.Records[4].Data[0] === 4 && got.Records[4].Data[1] === 255, `GetRecords ${JSON.stringify(got)}`);
  expect(got.Records[0].ApproximateArrivalTimestamp instanceof Date, "arrival timestamp");

  // Enhanced fan-out: SubscribeToShard's event stream over HTTP/2.
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: sum.StreamARN, ConsumerName: "js-app" }));
  await advance("1m");
  const sub = await kinesis.send(new SubscribeToShardCommand({
    ConsumerARN: Consumer.ConsumerARN, ShardId: Shards[0].ShardId, StartingPosition: { Type: "TRIM_HORIZON" },
  }));
  for await (const event of sub.EventStream) {
    const ev = event.SubscribeToShardEvent;
    expect(ev && ev.Records.length === 5 && ev.ContinuationSequenceNumber, `event ${JSON.stringify(event)}`);
    break;
  }
  await kinesis.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
  await advance("1m");
  const e = await errorOf(kinesis.send(new DescribeStreamSummaryCommand({ StreamName })));
  expect(e instanceof ResourceNotFoundException, `error class ${e.name}`);
}

// Without an endpoint in the constructor, the SDK sends each call to its
// QueueUrl's host: sluice answers with URLs on the host it was called at.
async function checkQueueUrlRouting() {
  process.env.AWS_ENDPOINT_URL_SQS = endpoint;
  const routed = new SQSClient({ region: "us-east-1", maxAttempts: 1, credentials: common.credentials });
  try {
    const { QueueUrl } = await routed.send(new CreateQueueCommand({ QueueName: "js-routed" }));
    expect(QueueUrl.startsWith(endpoint + "/"), `QueueUrl ${QueueUrl}`);
    await routed.send(new SendMessageCommand({ QueueUrl, MessageBody: "routed" }));
    const got = await routed.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(got.Messages[0].Body === "routed", "routed receive");
    await routed.send(new DeleteQueueCommand({ QueueUrl }));
  } finally {
    routed.destroy();
    delete process.env.AWS_ENDPOINT_URL_SQS;
  }
}

export const checks = [checkSQS, checkQueueUrlRouting, checkSNS, checkKinesis];

async function main() {
  let passed = 0;
  let failed = 0;
  for (const check of checks) {
    try {
      await check();
      passed++;
      console.log(`ok   ${check.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${check.name}: ${e.stack}`);
    }
  }
  for (const c of [sqs, sns, kinesis]) c.destroy(); // closes the HTTP/2 session of the event stream
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
