#!/usr/bin/env python3
"""Drives a running sluice (cmd/sluice) with boto3 and the AWS CLI v1.

    SLUICE_URL=http://127.0.0.1:4566 python3 awsapi/clienttest/clients.py

Each check is a realistic sequence of calls; errors are checked by the codes
the clients surface. The server must run with -clock manual (the delay checks
advance it). Prints "N passed, N failed" and exits non-zero on a failure.
"""
import json
import os
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

URL = os.environ.get("SLUICE_URL", "http://127.0.0.1:4566")
REGION = "us-east-1"
CFG = botocore.config.Config(retries={"max_attempts": 1})


def client(name):
    return boto3.client(name, endpoint_url=URL, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test", config=CFG)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def error_code(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e
    raise AssertionError("no error from %s" % fn.__name__)


def advance(by):
    req = urllib.request.Request(URL + "/_sluice/clock/advance?by=" + by, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def check_sqs():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="py-jobs", Attributes={"VisibilityTimeout": "30"},
                           tags={"team": "py"})["QueueUrl"]
    expect(url == URL + "/123456789012/py-jobs", "QueueUrl %s" % url)
    expect(sqs.get_queue_url(QueueName="py-jobs")["QueueUrl"] == url, "get_queue_url")
    expect(url in sqs.list_queues(QueueNamePrefix="py-")["QueueUrls"], "list_queues")

    body = 'line1\r\nline2 "quoted" & <tag>'
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "order"},
        "n": {"DataType": "Number", "StringValue": "42"},
        "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    import hashlib
    expect(sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), "MD5OfMessageBody")
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}])
    expect(len(batch["Successful"]) == 2 and "Failed" not in batch, "send_message_batch %s" % batch)

    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                              MessageSystemAttributeNames=["All"])["Messages"]
    expect(len(got) == 3, "received %d" % len(got))
    first = got[0]
    expect(first["Body"] == body, "body %r" % first["Body"])
    expect(first["MessageAttributes"]["bin"]["BinaryValue"] == b"\x00\x01", "binary attribute")
    expect(first["Attributes"]["ApproximateReceiveCount"] == "1", "receive count")
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
    expect(len(deleted["Successful"]) == 3, "delete_message_batch %s" % deleted)
    expect("Messages" not in sqs.receive_message(QueueUrl=url), "empty receive has no Messages")

    # Deterministic time: a delayed message appears when the clock is advanced.
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=120)
    expect("Messages" not in sqs.receive_message(QueueUrl=url), "delayed message visible too early")
    advance("2m")
    later = sqs.receive_message(QueueUrl=url)["Messages"]
    expect(later[0]["Body"] == "later", "delayed message after advance")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=later[0]["ReceiptHandle"])

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    expect(attrs["DelaySeconds"] == "5" and attrs["QueueArn"].endswith(":py-jobs"), "attributes %s" % attrs)
    sqs.tag_queue(QueueUrl=url, Tags={"env": "ci"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    expect(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "ci"}, "tags")
    sqs.purge_queue(QueueUrl=url)

    code, e = error_code(sqs.purge_queue, QueueUrl=url)
    expect(code == "AWS.SimpleQueueService.PurgeQueueInProgress", "purge twice: %s" % code)
    code, e = error_code(sqs.delete_message, QueueUrl=url, ReceiptHandle="bogus")
    expect(code == "ReceiptHandleIsInvalid", "bad receipt handle: %s" % code)
    code, e = error_code(sqs.create_queue, QueueName="bad name!")
    expect(code == "InvalidParameterValue", "bad queue name: %s" % code)
    sqs.delete_queue(QueueUrl=url)
    code, e = error_code(sqs.get_queue_url, QueueName="py-jobs")
    expect(code == "AWS.SimpleQueueService.NonExistentQueue", "missing queue: %s" % code)
    expect(isinstance(e, sqs.exceptions.QueueDoesNotExist), "exception class %s" % type(e))


def check_sqs_long_poll():
    """A long poll returns as soon as a message is sent, with time standing still."""
    import threading
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="py-poll")["QueueUrl"]
    got = {}
    t = threading.Thread(target=lambda: got.update(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)))
    t.start()
    sqs.send_message(QueueUrl=url, MessageBody="wake up")
    t.join(timeout=30)
    expect(not t.is_alive(), "long poll did not return")
    expect(got.get("Messages", [{}])[0].get("Body") == "wake up", "long poll got %s" % got)
    sqs.delete_queue(QueueUrl=url)


def check_sqs_query_protocol():
    """The query protocol older SDKs speak: a form post to the queue URL, XML back."""
    import xml.etree.ElementTree as ET
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="py-query")["QueueUrl"]
    ns = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}

    def post(params, path=""):
        data = urllib.parse.urlencode(dict(params, Version="2012-11-05")).encode()
        req = urllib.request.Request(url if path == "" else URL + path, data=data,
                                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, ET.fromstring(r.read())
        except urllib.error.HTTPError as e:
            return e.code, ET.fromstring(e.read())

    body = 'a\r\nb "c" & <d>'
    status, doc = post({"Action": "SendMessage", "MessageBody": body,
                        "MessageAttribute.1.Name": "k", "MessageAttribute.1.Value.DataType": "String",
                        "MessageAttribute.1.Value.StringValue": "v"})
    import hashlib
    expect(status == 200 and doc.find(".//q:MD5OfMessageBody", ns).text == hashlib.md5(body.encode()).hexdigest(),
           "query SendMessage %d" % status)
    status, doc = post({"Action": "ReceiveMessage", "MessageAttributeName.1": "All", "AttributeName.1": "All"})
    msg = doc.find(".//q:Message", ns)
    expect(status == 200 and msg.find("q:Body", ns).text == body, "query ReceiveMessage body")
    expect(msg.find("q:MessageAttribute/q:Value/q:StringValue", ns).text == "v", "query attribute")
    status, doc = post({"Action": "GetQueueUrl", "QueueName": "nope"}, path="/")
    expect(status == 400 and doc.find(".//q:Code", ns).text == "AWS.SimpleQueueService.NonExistentQueue",
           "query error %d" % status)
    sqs.delete_queue(QueueUrl=url)


def check_sns():
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="py-orders", Attributes={"DisplayName": "Orders"},
                             Tags=[{"Key": "team", "Value": "py"}])["TopicArn"]
    expect(topic == "arn:aws:sns:us-east-1:123456789012:py-orders", topic)
    url = sqs.create_queue(QueueName="py-billing")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn, ReturnSubscriptionArn=True,
                        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"kind": ["order"]})})
    arn = sub["SubscriptionArn"]
    expect(sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["RawMessageDelivery"] == "true",
           "RawMessageDelivery")
    sns.publish(TopicArn=topic, Message="order 1", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "order"}})
    sns.publish(TopicArn=topic, Message="refund 1", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "refund"}})
    out = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "order 2", "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "order"}}}])
    expect(len(out["Successful"]) == 1, "publish_batch %s" % out)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    expect(sorted(m["Body"] for m in got) == ["order 1", "order 2"], "fan-out %s" % [m["Body"] for m in got])
    expect(got[0]["MessageAttributes"]["kind"]["StringValue"] == "order", "raw attributes")

    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="New")
    expect(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "New", "set_topic_attributes")
    expect(topic in [t["TopicArn"] for t in sns.list_topics()["Topics"]], "list_topics")
    expect([s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]] == [arn],
           "list_subscriptions_by_topic")
    sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "env", "Value": "ci"}])
    sns.untag_resource(ResourceArn=topic, TagKeys=["team"])
    expect(sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "env", "Value": "ci"}], "tags")
    # An email subscription: the confirmation lands in sluice's outbox; its token confirms.
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
    with urllib.request.urlopen(URL + "/_sluice/sns/outbox") as r:
        outbox = json.load(r)["messages"]
    confirm = [m for m in outbox if m["Endpoint"] == "ops@example.com" and m["Type"] == "SubscriptionConfirmation"]
    expect(len(confirm) == 1 and confirm[0]["Token"], "outbox %s" % outbox)
    confirmed = sns.confirm_subscription(TopicArn=topic, Token=confirm[0]["Token"])["SubscriptionArn"]
    expect(confirmed.startswith(topic + ":"), "confirm_subscription %s" % confirmed)
    sns.unsubscribe(SubscriptionArn=confirmed)
    sns.unsubscribe(SubscriptionArn=arn)
    sns.delete_topic(TopicArn=topic)
    code, e = error_code(sns.get_topic_attributes, TopicArn=topic)
    expect(code == "NotFound" and isinstance(e, sns.exceptions.NotFoundException), "missing topic: %s" % code)
    code, e = error_code(sns.create_topic, Name="bad name!")
    expect(code == "InvalidParameter", "bad topic name: %s" % code)


def check_sns_http():
    """An http subscription: the confirmation arrives, its SubscribeURL confirms when followed, and
    notifications follow with a SigningCertURL that serves the certificate."""
    import http.server
    import threading
    got = []
    arrived = threading.Condition()

    class Endpoint(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with arrived:
                got.append((self.headers.get("x-amz-sns-message-type"), json.loads(body)))
                arrived.notify_all()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sns = client("sns")
        topic = sns.create_topic(Name="py-hooks")["TopicArn"]
        endpoint = "http://127.0.0.1:%d/hook" % server.server_address[1]
        sub = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)
        expect(sub["SubscriptionArn"] == "pending confirmation", "subscribe %s" % sub)
        # SNS delivers to http endpoints after the call returns.
        with arrived:
            expect(arrived.wait_for(lambda: len(got) >= 1, timeout=10), "no SubscriptionConfirmation")
        kind, confirmation = got[0]
        expect(kind == "SubscriptionConfirmation", "first message %s" % kind)
        with urllib.request.urlopen(confirmation["SubscribeURL"]) as r:
            expect(r.status == 200 and b"<SubscriptionArn>" + topic.encode() in r.read(), "SubscribeURL")
        sns.publish(TopicArn=topic, Message="to the hook")
        with arrived:
            expect(arrived.wait_for(lambda: len(got) >= 2, timeout=10), "no Notification")
        kind, note = got[-1]
        expect(kind == "Notification" and note["Message"] == "to the hook", "notification %s" % note)
        with urllib.request.urlopen(note["SigningCertURL"]) as r:
            expect(r.read().startswith(b"-----BEGIN CERTIFICATE-----"), "SigningCertURL")
        with urllib.request.urlopen(note["UnsubscribeURL"]) as r:
            expect(r.status == 200, "UnsubscribeURL")
        expect(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == [], "unsubscribed")
        sns.delete_topic(TopicArn=topic)
    finally:
        server.shutdown()


def aws(*args, ok=True):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=REGION,
               AWS_ENDPOINT_URL=URL, AWS_MAX_ATTEMPTS="1")
    p = subprocess.run(["aws", "--endpoint-url", URL, "--output", "json"] + list(args), env=env, capture_output=True, text=True, timeout=60)
    if ok and p.returncode != 0:
        raise AssertionError("aws %s: %s" % (" ".join(args), p.stderr))
    return p


def check_cli():
    url = json.loads(aws("sqs", "create-queue", "--queue-name", "cli-q").stdout)["QueueUrl"]
    aws("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli")
    msgs = json.loads(aws("sqs", "receive-message", "--queue-url", url).stdout)["Messages"]
    expect(msgs[0]["Body"] == "from the cli", "cli receive %s" % msgs)
    topic = json.loads(aws("sns", "create-topic", "--name", "cli-t").stdout)["TopicArn"]
    mid = json.loads(aws("sns", "publish", "--topic-arn", topic, "--message", "hi").stdout)["MessageId"]
    expect(mid, "cli publish")
    p = aws("sqs", "get-queue-url", "--queue-name", "nope", ok=False)
    expect(p.returncode != 0 and "NonExistentQueue" in p.stderr, "cli error: %d %s" % (p.returncode, p.stderr))
    p = aws("sns", "get-topic-attributes", "--topic-arn", topic + "-missing", ok=False)
    expect(p.returncode != 0 and "NotFound" in p.stderr, "cli sns error: %d %s" % (p.returncode, p.stderr))
    aws("sqs", "delete-queue", "--queue-url", url)
    aws("sns", "delete-topic", "--topic-arn", topic)


def clock_now():
    with urllib.request.urlopen(URL + "/_sluice/clock") as r:
        import datetime
        return datetime.datetime.fromisoformat(json.load(r)["now"].replace("Z", "+00:00"))


def check_kinesis():
    k = client("kinesis")
    k.create_stream(StreamName="py-events", ShardCount=2)
    advance("1m")  # CREATING -> ACTIVE
    summary = k.describe_stream_summary(StreamName="py-events")["StreamDescriptionSummary"]
    expect(summary["StreamStatus"] == "ACTIVE" and summary["OpenShardCount"] == 2, "summary %s" % summary)
    arn = summary["StreamARN"]
    start = clock_now()
    put = k.put_record(StreamName="py-events", PartitionKey="pk", Data=b"hello\x00")
    out = k.put_records(StreamARN=arn, Records=[{"PartitionKey": "k%d" % i, "Data": bytes([i])} for i in range(20)])
    expect(out["FailedRecordCount"] == 0 and len(out["Records"]) == 20, "put_records %s" % out)
    shards = k.list_shards(StreamName="py-events")["Shards"]
    expect(len(shards) == 2, "list_shards")
    total = 0
    for s in shards:
        # botocore sends whole seconds: the clock is at a whole second.
        it = k.get_shard_iterator(StreamName="py-events", ShardId=s["ShardId"], ShardIteratorType="AT_TIMESTAMP",
                                  Timestamp=start)["ShardIterator"]
        got = k.get_records(ShardIterator=it)
        total += len(got["Records"])
        for r in got["Records"]:
            expect(r["ApproximateArrivalTimestamp"] == start, "arrival %s vs %s" % (r["ApproximateArrivalTimestamp"], start))
            if r["SequenceNumber"] == put["SequenceNumber"]:
                expect(r["Data"] == b"hello\x00", "data %r" % r["Data"])
    expect(total == 21, "read %d records" % total)

    consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName="py-app")["Consumer"]
    advance("1m")
    sub = k.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId=shards[0]["ShardId"],
                               StartingPosition={"Type": "TRIM_HORIZON"})
    for event in sub["EventStream"]:
        recs = event["SubscribeToShardEvent"]["Records"]
        expect(len(recs) > 0 and "ContinuationSequenceNumber" in event["SubscribeToShardEvent"], "event %s" % event)
        break
    sub["EventStream"].close()
    k.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])

    k.add_tags_to_stream(StreamName="py-events", Tags={"team": "py"})
    expect(k.list_tags_for_stream(StreamName="py-events")["Tags"] == [{"Key": "team", "Value": "py"}], "tags")
    k.delete_stream(StreamName="py-events")
    advance("1m")
    code, e = error_code(k.describe_stream_summary, StreamName="py-events")
    expect(code == "ResourceNotFoundException" and isinstance(e, k.exceptions.ResourceNotFoundException),
           "missing stream: %s" % code)
    p = aws("kinesis", "describe-stream-summary", "--stream-name", "nope", ok=False)
    expect(p.returncode != 0 and "ResourceNotFoundException" in p.stderr, "cli kinesis error: %s" % p.stderr)


def check_firehose():
    f = client("firehose")
    arn = f.create_delivery_stream(DeliveryStreamName="py-clicks", ExtendedS3DestinationConfiguration={
        "RoleARN": "arn:aws:iam::123456789012:role/firehose", "BucketARN": "arn:aws:s3:::py-clicks",
        "BufferingHints": {"IntervalInSeconds": 60, "SizeInMBs": 1}})["DeliveryStreamARN"]
    expect(arn.endswith(":deliverystream/py-clicks"), arn)
    advance("1m")
    desc = f.describe_delivery_stream(DeliveryStreamName="py-clicks")["DeliveryStreamDescription"]
    expect(desc["DeliveryStreamStatus"] == "ACTIVE", "status %s" % desc["DeliveryStreamStatus"])
    f.put_record(DeliveryStreamName="py-clicks", Record={"Data": b"one\n"})
    out = f.put_record_batch(DeliveryStreamName="py-clicks", Records=[{"Data": b"two\n"}, {"Data": b"three\n"}])
    expect(out["FailedPutCount"] == 0 and len(out["RequestResponses"]) == 2, "put_record_batch %s" % out)
    expect("py-clicks" in f.list_delivery_streams()["DeliveryStreamNames"], "list_delivery_streams")
    advance("61s")  # the buffer interval passes: one object is delivered
    with urllib.request.urlopen(URL + "/_sluice/s3/py-clicks/") as r:
        keys = json.load(r)["keys"]
    expect(len(keys) == 1, "delivered keys %s" % keys)
    with urllib.request.urlopen(URL + "/_sluice/s3/py-clicks/" + keys[0]) as r:
        expect(r.read() == b"one\ntwo\nthree\n", "delivered object")
    f.delete_delivery_stream(DeliveryStreamName="py-clicks")
    advance("1m")
    code, e = error_code(f.describe_delivery_stream, DeliveryStreamName="py-clicks")
    expect(code == "ResourceNotFoundException", "missing delivery stream: %s" % code)


ANALYTICS_SQL = """CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N BIGINT, AVG_PRICE DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM TICKER, COUNT(*) AS N, AVG(PRICE) AS AVG_PRICE FROM "SOURCE_SQL_STREAM_001"
GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);"""


def check_analytics():
    k = client("kinesis")
    ka = client("kinesisanalytics")
    role = "arn:aws:iam::123456789012:role/ka"
    k.create_stream(StreamName="py-ticks", ShardCount=1)
    k.create_stream(StreamName="py-averages", ShardCount=1)
    advance("1m")  # CREATING -> ACTIVE
    src = k.describe_stream_summary(StreamName="py-ticks")["StreamDescriptionSummary"]["StreamARN"]
    dst = k.describe_stream_summary(StreamName="py-averages")["StreamDescriptionSummary"]["StreamARN"]
    for rec in [{"ticker": "AAPL", "price": 10}, {"ticker": "AAPL", "price": 20}, {"ticker": "AMZN", "price": 7.5}]:
        k.put_record(StreamName="py-ticks", PartitionKey="p", Data=json.dumps(rec).encode())

    schema = ka.discover_input_schema(ResourceARN=src, RoleARN=role,
                                      InputStartingPositionConfiguration={"InputStartingPosition": "TRIM_HORIZON"})
    cols = [c["Name"] for c in schema["InputSchema"]["RecordColumns"]]
    expect(len(cols) == 2 and len(schema["RawInputRecords"]) == 3, "discovered %s" % schema)

    code, e = error_code(ka.create_application, ApplicationName="py-bad", ApplicationCode="CREATE STREAM ;")
    expect(code == "CodeValidationException" and isinstance(e, ka.exceptions.CodeValidationException), "bad code: %s" % code)
    summary = ka.create_application(ApplicationName="py-tickers", ApplicationCode=ANALYTICS_SQL, Inputs=[{
        "NamePrefix": "SOURCE_SQL_STREAM", "KinesisStreamsInput": {"ResourceARN": src, "RoleARN": role},
        "InputSchema": {"RecordFormat": {"RecordFormatType": "JSON",
                                         "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
                        "RecordEncoding": "UTF-8", "RecordColumns": [
                            {"Name": "TICKER", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker"},
                            {"Name": "PRICE", "SqlType": "DOUBLE", "Mapping": "$.price"}]}}],
        Outputs=[{"Name": "DESTINATION_SQL_STREAM", "KinesisStreamsOutput": {"ResourceARN": dst, "RoleARN": role},
                  "DestinationSchema": {"RecordFormatType": "JSON"}}],
        Tags=[{"Key": "team", "Value": "py"}])["ApplicationSummary"]
    expect(summary["ApplicationStatus"] == "READY" and summary["ApplicationARN"].endswith(":application/py-tickers"),
           "summary %s" % summary)
    detail = ka.describe_application(ApplicationName="py-tickers")["ApplicationDetail"]
    expect(detail["ApplicationVersionId"] == 1 and detail["CreateTimestamp"] == clock_now(), "detail %s" % detail)
    inp = detail["InputDescriptions"][0]
    expect(inp["InAppStreamNames"] == ["SOURCE_SQL_STREAM_001"] and
           inp["KinesisStreamsInputDescription"]["ResourceARN"] == src, "input %s" % inp)
    expect(ka.list_tags_for_resource(ResourceARN=summary["ApplicationARN"])["Tags"] == [{"Key": "team", "Value": "py"}], "tags")
    expect([a["ApplicationName"] for a in ka.list_applications()["ApplicationSummaries"]] == ["py-tickers"], "list_applications")

    ka.start_application(ApplicationName="py-tickers", InputConfigurations=[{
        "Id": inp["InputId"], "InputStartingPositionConfiguration": {"InputStartingPosition": "TRIM_HORIZON"}}])
    expect(ka.describe_application(ApplicationName="py-tickers")["ApplicationDetail"]["ApplicationStatus"] == "RUNNING", "running")
    # The application reads the stream on its own goroutines; each advance
    # closes the window its rows fell in, and the averages reach the
    # output stream.
    shard = k.list_shards(StreamName="py-averages")["Shards"][0]["ShardId"]
    it = k.get_shard_iterator(StreamName="py-averages", ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    rows = []
    for _ in range(50):
        advance("1m")
        got = k.get_records(ShardIterator=it)
        it = got["NextShardIterator"]
        rows += [json.loads(r["Data"]) for r in got["Records"]]
        if len(rows) >= 2:
            break
        time.sleep(0.05)
    expect(rows == [{"TICKER": "AAPL", "N": 2, "AVG_PRICE": 15.0}, {"TICKER": "AMZN", "N": 1, "AVG_PRICE": 7.5}],
           "output rows %s" % rows)

    ka.stop_application(ApplicationName="py-tickers")
    detail = ka.describe_application(ApplicationName="py-tickers")["ApplicationDetail"]
    expect(detail["ApplicationStatus"] == "READY", "stopped: %s" % detail["ApplicationStatus"])
    code, _ = error_code(ka.update_application, ApplicationName="py-tickers", CurrentApplicationVersionId=99,
                         ApplicationUpdate={"ApplicationCodeUpdate": ANALYTICS_SQL})
    expect(code == "ConcurrentModificationException", "stale version: %s" % code)
    ka.delete_application(ApplicationName="py-tickers", CreateTimestamp=detail["CreateTimestamp"])
    code, e = error_code(ka.describe_application, ApplicationName="py-tickers")
    expect(code == "ResourceNotFoundException" and isinstance(e, ka.exceptions.ResourceNotFoundException),
           "deleted application: %s" % code)
    k.delete_stream(StreamName="py-ticks")
    k.delete_stream(StreamName="py-averages")
    advance("1m")


CHECKS = [check_sqs, check_sqs_long_poll, check_sqs_query_protocol, check_sns, check_sns_http, check_cli, check_kinesis, check_firehose, check_analytics]
EXTRA = []  # further services register here


def main():
    passed = failed = 0
    for check in CHECKS + EXTRA:
        try:
            check()
            passed += 1
            print("ok   " + check.__name__)
        except Exception:
            failed += 1
            print("FAIL " + check.__name__)
            traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
