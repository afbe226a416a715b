package awsapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/sluicehq/sluice/awsapi"
	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
	"github.com/sluicehq/sluice/stream"
)

// serve runs one request through h and returns the recorded response.
func serve(h http.Handler, method, target string, header http.Header, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func sqsJSONHeader(op string) http.Header {
	return http.Header{"X-Amz-Target": {"AmazonSQS." + op}, "Content-Type": {"application/x-amz-json-1.0"}}
}

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

func TestBodyLimit(t *testing.T) {
	h := awsapi.New(awsapi.WithQueues(queue.New()), awsapi.WithPubSub(pubsub.New()), awsapi.WithMaxBodyBytes(1024))
	big := `{"QueueName":"` + strings.Repeat("x", 2000) + `"}`
	rec := serve(h, http.MethodPost, "/", sqsJSONHeader("CreateQueue"), []byte(big))
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "RequestEntityTooLarge") {
		t.Fatalf("JSON: %d %s", rec.Code, rec.Body)
	}
	form := url.Values{"Action": {"Publish"}, "Version": {"2010-03-31"}, "Message": {strings.Repeat("x", 2000)}}.Encode()
	rec = serve(h, http.MethodPost, "/", formHeader, []byte(form))
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "<Code>RequestEntityTooLarge</Code>") {
		t.Fatalf("query: %d %s", rec.Code, rec.Body)
	}
}

func TestMalformedRequests(t *testing.T) {
	h := awsapi.New(awsapi.WithQueues(queue.New()), awsapi.WithPubSub(pubsub.New()))
	for _, tc := range []struct {
		name, method, target string
		header               http.Header
		body                 string
		status               int
		code                 string
	}{
		{"json syntax", "POST", "/", sqsJSONHeader("CreateQueue"), `{"QueueName":`, 400, "SerializationException"},
		{"json types", "POST", "/", sqsJSONHeader("SendMessage"), `{"QueueUrl":7,"DelaySeconds":"x"}`, 400, "SerializationException"},
		{"json unknown op", "POST", "/", sqsJSONHeader("Explode"), `{}`, 400, "UnknownOperationException"},
		{"unknown target", "POST", "/", http.Header{"X-Amz-Target": {"Nope_2020.Op"}}, `{}`, 400, "UnknownOperationException"},
		{"no action", "POST", "/", formHeader, `Version=2012-11-05`, 400, "MissingAction"},
		{"bad escape", "POST", "/", formHeader, `Action=ListQueues&x=%zz`, 400, "MalformedQueryString"},
		{"sns unknown action", "POST", "/", formHeader, `Action=Explode&Version=2010-03-31`, 400, "InvalidAction"},
		{"sns bad base64", "POST", "/", formHeader, `Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:123456789012:t&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=Binary&MessageAttributes.entry.1.Value.BinaryValue=!!`, 400, "InvalidParameterValue"},
		{"method", "DELETE", "/", nil, ``, 400, "InvalidAction"},
		{"missing queue url", "POST", "/", sqsJSONHeader("SendMessage"), `{"MessageBody":"x"}`, 400, "MissingParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(h, tc.method, tc.target, tc.header, []byte(tc.body))
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.code) {
				t.Fatalf("got %d %s, want %d %s", rec.Code, rec.Body, tc.status, tc.code)
			}
		})
	}
}

// fuzzServe runs one request through a handler over fresh services inside a
// synctest bubble, so long polls end at once, and fails on a 5xx.
func fuzzServe(t *testing.T, header http.Header, body []byte) {
	synctest.Test(t, func(t *testing.T) {
		clk := clock.New()
		queues := queue.New(queue.WithClock(clk))
		noNet := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("no network") })}
		topics := pubsub.New(pubsub.WithClock(clk), pubsub.WithQueues(queues), pubsub.WithDigestSignatures(), pubsub.WithHTTPClient(noNet))
		defer func() { _ = queues.Close(); _ = topics.Close() }()
		if _, err := queues.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "q"}); err != nil {
			t.Fatal(err)
		}
		if _, err := topics.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "t"}); err != nil {
			t.Fatal(err)
		}
		streams := stream.New(stream.WithClock(clk))
		defer streams.Close()
		if _, err := streams.CreateStream(ctx, stream.CreateStreamInput{StreamName: "s", ShardCount: new(1)}); err != nil {
			t.Fatal(err)
		}
		hoses := firehose.New(firehose.WithClock(clk), firehose.WithHTTPClient(noNet), firehose.WithStreams(streams))
		defer hoses.Close()
		h := awsapi.New(awsapi.WithQueues(queues), awsapi.WithPubSub(topics), awsapi.WithStreams(streams), awsapi.WithFirehose(hoses),
			awsapi.WithMaxBodyBytes(1<<16))
		rec := serve(h, http.MethodPost, "/", header, body)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if rec.Code != http.StatusOK && !strings.Contains(rec.Body.String(), "Code") && !json.Valid(rec.Body.Bytes()) &&
			!strings.Contains(rec.Body.String(), "__type") {
			t.Fatalf("error without a code: %d %s", rec.Code, rec.Body)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func FuzzSQSJSON(f *testing.F) {
	const q = `"QueueUrl":"http://h/123456789012/q"`
	for _, s := range [][2]string{
		{"CreateQueue", `{"QueueName":"a","Attributes":{"VisibilityTimeout":"5","RedrivePolicy":"{\"maxReceiveCount\":\"2\"}"},"tags":{"k":"v"}}`},
		{"SendMessage", `{` + q + `,"MessageBody":"hi","DelaySeconds":1,"MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"AQI="}}}`},
		{"SendMessageBatch", `{` + q + `,"Entries":[{"Id":"1","MessageBody":"x"},{"Id":"1"}]}`},
		{"ReceiveMessage", `{` + q + `,"WaitTimeSeconds":20,"MaxNumberOfMessages":10,"MessageSystemAttributeNames":["All"]}`},
		{"DeleteMessageBatch", `{` + q + `,"Entries":[{"Id":"1","ReceiptHandle":"x"}]}`},
		{"SetQueueAttributes", `{` + q + `,"Attributes":{"Policy":"{}","MaximumMessageSize":"1024"}}`},
		{"ListQueues", `{"MaxResults":1,"NextToken":"zz"}`},
		{"StartMessageMoveTask", `{"SourceArn":"arn:aws:sqs:us-east-1:123456789012:q"}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		fuzzServe(t, sqsJSONHeader(op), body)
	})
}

func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"Action=SendMessage&Version=2012-11-05&QueueUrl=http://h/123456789012/q&MessageBody=x&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v",
		"Action=SendMessageBatch&Version=2012-11-05&QueueUrl=/123456789012/q&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=b&SendMessageBatchRequestEntry.1.DelaySeconds=1",
		"Action=ReceiveMessage&Version=2012-11-05&QueueUrl=http://h/123456789012/q&WaitTimeSeconds=20&AttributeName.1=All",
		"Action=CreateQueue&Version=2012-11-05&QueueName=z&Attribute.1.Name=FifoQueue&Attribute.1.Value=true",
		"Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:123456789012:t&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v",
		"Action=PublishBatch&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:123456789012:t&PublishBatchRequestEntries.member.1.Id=1&PublishBatchRequestEntries.member.1.Message=m",
		"Action=Subscribe&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:123456789012:t&Protocol=sqs&Endpoint=arn:aws:sqs:us-east-1:123456789012:q&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true",
		"Action=CreateTopic&Version=2010-03-31&Name=u&Tags.member.1.Key=k&Tags.member.1.Value=v",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fuzzServe(t, formHeader, []byte(body))
	})
}

func FuzzKinesisJSON(f *testing.F) {
	for _, s := range [][2]string{
		{"PutRecords", `{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"p"},{"Data":"","PartitionKey":"q","ExplicitHashKey":"5"}]}`},
		{"PutRecord", `{"StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","Data":"aGk=","PartitionKey":"p"}`},
		{"GetShardIterator", `{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1.7e9}`},
		{"GetRecords", `{"ShardIterator":"AAAA","Limit":10}`},
		{"ListShards", `{"StreamName":"s","ShardFilter":{"Type":"FROM_TIMESTAMP","Timestamp":1700000000},"MaxResults":1}`},
		{"CreateStream", `{"StreamName":"t","ShardCount":2,"StreamModeDetails":{"StreamMode":"PROVISIONED"}}`},
		{"SubscribeToShard", `{"ConsumerARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}`},
		{"AddTagsToStream", `{"StreamName":"s","Tags":{"a":"b"}}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		fuzzServe(t, http.Header{"X-Amz-Target": {"Kinesis_20131202." + op}, "Content-Type": {"application/x-amz-json-1.1"}}, body)
	})
}

func FuzzKinesisCBOR(f *testing.F) {
	f.Add("PutRecord", cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "PartitionKey": cbor.String("p"), "Data": cbor.Slice("hi")}))
	f.Add("GetShardIterator", cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "ShardId": cbor.String("shardId-000000000000"),
		"ShardIteratorType": cbor.String("AT_TIMESTAMP"), "Timestamp": &cbor.Tag{ID: 1, Value: cbor.Uint(1700000000000)}}))
	f.Add("ListShards", cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "MaxResults": cbor.Float64(1.5), "ShardFilter": cbor.Map{"Type": cbor.String("AT_LATEST")}}))
	f.Add("PutRecords", cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "Records": cbor.List{cbor.Map{"PartitionKey": cbor.String("p"), "Data": cbor.Slice{1}}}}))
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		fuzzServe(t, http.Header{"X-Amz-Target": {"Kinesis_20131202." + op}, "Content-Type": {"application/x-amz-cbor-1.1"}}, body)
	})
}

func FuzzFirehoseJSON(f *testing.F) {
	for _, s := range [][2]string{
		{"CreateDeliveryStream", `{"DeliveryStreamName":"d","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::b","BufferingHints":{"IntervalInSeconds":0}}}`},
		{"PutRecordBatch", `{"DeliveryStreamName":"d","Records":[{"Data":"eA=="},{"Data":""}]}`},
		{"PutRecord", `{"DeliveryStreamName":"d","Record":{"Data":"eA=="}}`},
		{"DescribeDeliveryStream", `{"DeliveryStreamName":"d","Limit":1}`},
		{"CreateDeliveryStream", `{"DeliveryStreamName":"k","DeliveryStreamType":"KinesisStreamAsSource","KinesisStreamSourceConfiguration":{"KinesisStreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","RoleARN":"arn:aws:iam::123456789012:role/r"},"ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::b"}}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		fuzzServe(t, http.Header{"X-Amz-Target": {"Firehose_20150804." + op}, "Content-Type": {"application/x-amz-json-1.1"}}, body)
	})
}

// Authorization headers of any shape are read for their region and never
// refuse a request.
func TestAuthorizationHeaders(t *testing.T) {
	var logs strings.Builder
	h := awsapi.New(awsapi.WithQueues(queue.New()), awsapi.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	for _, auth := range []string{
		"",
		"garbage",
		"AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=",
		"AWS4-HMAC-SHA256 Credential=a/b",
	} {
		hdr := sqsJSONHeader("ListQueues")
		hdr.Set("Authorization", auth)
		if rec := serve(h, http.MethodPost, "/", hdr, []byte(`{}`)); rec.Code != http.StatusOK {
			t.Fatalf("Authorization %q: %d %s", auth, rec.Code, rec.Body)
		}
	}
	if !strings.Contains(logs.String(), "region=eu-west-1") {
		t.Fatalf("region not logged:\n%s", logs.String())
	}
}
