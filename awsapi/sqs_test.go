package awsapi_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestSQSEveryOperation(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.sqs
		dlq := must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dlq")}))(t)
		if !strings.HasPrefix(*dlq.QueueUrl, e.base+"/123456789012/") {
			t.Fatalf("QueueUrl = %s, want it on %s", *dlq.QueueUrl, e.base)
		}
		dlqArn := must(c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl,
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}}))(t).Attributes["QueueArn"]
		q := must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs"),
			Attributes: map[string]string{"VisibilityTimeout": "40",
				"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqArn + `","maxReceiveCount":"3"}`},
			Tags: map[string]string{"team": "core"}}))(t)
		url := q.QueueUrl

		got := must(c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")}))(t)
		if *got.QueueUrl != *url {
			t.Fatalf("GetQueueUrl = %s, want %s", *got.QueueUrl, *url)
		}
		attrs := must(c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url,
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}}))(t).Attributes
		if attrs["VisibilityTimeout"] != "40" || !strings.Contains(attrs["RedrivePolicy"], dlqArn) {
			t.Fatalf("attributes = %v", attrs)
		}
		must(c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: url, Attributes: map[string]string{"DelaySeconds": "0", "MaximumMessageSize": "2048"}}))(t)

		// Send with every kind of attribute: the SDK checks the MD5s.
		body := "hello \"world\"\r\n<&>"
		sent := must(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body),
			MessageAttributes: map[string]types.MessageAttributeValue{
				"s": {DataType: aws.String("String"), StringValue: aws.String("v")},
				"n": {DataType: aws.String("Number"), StringValue: aws.String("1.5")},
				"b": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
			}}))(t)
		if sent.MD5OfMessageAttributes == nil || *sent.MessageId == "" {
			t.Fatalf("SendMessage = %+v", sent)
		}
		batch := must(c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("a"), MessageBody: aws.String("one")},
			{Id: aws.String("b"), MessageBody: aws.String("two"), DelaySeconds: 0},
			{Id: aws.String("c"), MessageBody: aws.String("bad"), DelaySeconds: 999},
		}}))(t)
		if len(batch.Successful) != 2 || len(batch.Failed) != 1 || *batch.Failed[0].Id != "c" || *batch.Failed[0].Code != "InvalidParameterValue" {
			t.Fatalf("SendMessageBatch = %+v", batch)
		}

		recv := must(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}}))(t)
		if len(recv.Messages) != 3 {
			t.Fatalf("received %d messages, want 3", len(recv.Messages))
		}
		m := recv.Messages[0]
		if *m.Body != body || string(m.MessageAttributes["b"].BinaryValue) != "\x01\x02\x03" || *m.MessageAttributes["n"].StringValue != "1.5" ||
			m.Attributes["SentTimestamp"] == "" || m.Attributes["ApproximateReceiveCount"] != "1" {
			t.Fatalf("message = %+v", m)
		}
		must(c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60}))(t)
		cvb := must(c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: url,
			Entries: []types.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("x"), ReceiptHandle: recv.Messages[1].ReceiptHandle, VisibilityTimeout: 0}}}))(t)
		if len(cvb.Successful) != 1 {
			t.Fatalf("ChangeMessageVisibilityBatch = %+v", cvb)
		}
		must(c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}))(t)
		dmb := must(c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: aws.String("y"), ReceiptHandle: recv.Messages[2].ReceiptHandle},
			{Id: aws.String("z"), ReceiptHandle: aws.String("garbage")},
		}}))(t)
		if len(dmb.Successful) != 1 || len(dmb.Failed) != 1 || *dmb.Failed[0].Code != "ReceiptHandleIsInvalid" {
			t.Fatalf("DeleteMessageBatch = %+v", dmb)
		}

		// An empty receive has no Messages at all.
		must(c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: url}))(t)
		empty := must(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url}))(t)
		if empty.Messages != nil {
			t.Fatalf("empty receive = %+v", empty.Messages)
		}
		_, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: url})
		wantAPIError(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress")

		must(c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{"env": "test"}}))(t)
		must(c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: url, TagKeys: []string{"team"}}))(t)
		tags := must(c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: url}))(t).Tags
		if len(tags) != 1 || tags["env"] != "test" {
			t.Fatalf("tags = %v", tags)
		}

		srcs := must(c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: dlq.QueueUrl}))(t)
		if !slices.Equal(srcs.QueueUrls, []string{*url}) {
			t.Fatalf("ListDeadLetterSourceQueues = %v", srcs.QueueUrls)
		}

		// Redrive: three receives move a message to the dead-letter queue.
		for range 2 {
			must(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("poison")}))(t)
		}
		for range 4 {
			must(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, VisibilityTimeout: 1, MaxNumberOfMessages: 10}))(t)
			e.clock.Add(2 * time.Second)
		}
		task := must(c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn), MaxNumberOfMessagesPerSecond: aws.Int32(1)}))(t)
		tasks := must(c.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqArn)}))(t)
		if len(tasks.Results) != 1 || *tasks.Results[0].Status == "" {
			t.Fatalf("ListMessageMoveTasks = %+v", tasks.Results)
		}
		must(c.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: task.TaskHandle}))(t)

		must(c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: url, Label: aws.String("l"), AWSAccountIds: []string{"111122223333"}, Actions: []string{"SendMessage"}}))(t)
		must(c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: url, Label: aws.String("l")}))(t)

		must(c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: url}))(t)
		_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
		wantAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue")
		var qdne *types.QueueDoesNotExist
		if !errors.As(err, &qdne) {
			t.Fatalf("err = %T, want *types.QueueDoesNotExist", err)
		}
	})
}

func TestSQSErrors(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.sqs
		url := must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")}))(t).QueueUrl
		_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"), Attributes: map[string]string{"VisibilityTimeout": "5"}})
		wantAPIError(t, err, "QueueAlreadyExists")
		_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("r"), Attributes: map[string]string{"Bogus": "1"}})
		wantAPIError(t, err, "InvalidAttributeName")
		_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("r"), Attributes: map[string]string{"VisibilityTimeout": "x"}})
		wantAPIError(t, err, "InvalidAttributeValue")
		_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: aws.String("nope")})
		wantAPIError(t, err, "ReceiptHandleIsInvalid")
		_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.base + "/123456789012/missing"), MessageBody: aws.String("x")})
		wantAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue")
		_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{}})
		wantAPIError(t, err, "AWS.SimpleQueueService.EmptyBatchRequest")
		_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), DelaySeconds: 901})
		wantAPIError(t, err, "InvalidParameterValue")
	})
}

func TestSQSPaginators(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		for i := range 7 {
			must(e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("q%d", i))}))(t)
		}
		p := sqs.NewListQueuesPaginator(e.sqs, &sqs.ListQueuesInput{MaxResults: aws.Int32(3)})
		var urls []string
		pages := 0
		for p.HasMorePages() {
			page := must(p.NextPage(ctx))(t)
			urls = append(urls, page.QueueUrls...)
			pages++
		}
		if len(urls) != 7 || pages != 3 {
			t.Fatalf("paged %d urls in %d pages, want 7 in 3", len(urls), pages)
		}
	})
}

// TestSQSErrorCodes checks the code each SQS error reaches SDK users with:
// the query protocol's legacy code where AWS has one.
func TestSQSErrorCodes(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.sqs
		url := must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("codes")}))(t).QueueUrl
		entry := func(id string) types.SendMessageBatchRequestEntry {
			return types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String("x")}
		}
		var eleven []types.SendMessageBatchRequestEntry
		for i := range 11 {
			eleven = append(eleven, entry(fmt.Sprint(i)))
		}
		for _, tc := range []struct {
			name string
			call func() error
			code string
		}{
			{"ids not distinct", func() error {
				_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{entry("a"), entry("a")}})
				return err
			}, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"},
			{"too many entries", func() error {
				_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: eleven})
				return err
			}, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"},
			{"invalid entry id", func() error {
				_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{entry("no spaces")}})
				return err
			}, "AWS.SimpleQueueService.InvalidBatchEntryId"},
			{"invalid contents", func() error {
				_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("nul \x00")})
				return err
			}, "InvalidMessageContents"},
			{"fifo attribute on a standard queue", func() error {
				_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: url, Attributes: map[string]string{"FifoQueue": "true"}})
				return err
			}, "InvalidAttributeName"},
			{"deleted recently", func() error {
				must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("gone")}))(t)
				gone := must(c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("gone")}))(t).QueueUrl
				must(c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: gone}))(t)
				_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("gone")})
				return err
			}, "AWS.SimpleQueueService.QueueDeletedRecently"},
			{"visibility of a message not in flight", func() error {
				_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: url, ReceiptHandle: aws.String("bogus"), VisibilityTimeout: 5})
				return err
			}, "ReceiptHandleIsInvalid"},
			{"malformed move task handle", func() error {
				_, err := c.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("nope")})
				return err
			}, "InvalidParameterValue"},
		} {
			t.Run(tc.name, func(t *testing.T) { wantAPIError(t, tc.call(), tc.code) })
		}
	})
}

func TestSQSFIFO(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.sqs
		url := must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders.fifo"),
			Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}}))(t).QueueUrl
		first := must(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("a"), MessageGroupId: aws.String("g")}))(t)
		dup := must(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("a"), MessageGroupId: aws.String("g")}))(t)
		if first.SequenceNumber == nil || *dup.MessageId != *first.MessageId {
			t.Fatalf("send = %+v, duplicate = %+v", first, dup)
		}
		batch := must(c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("b"), MessageBody: aws.String("b"), MessageGroupId: aws.String("g")},
			{Id: aws.String("c"), MessageBody: aws.String("c"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("c1")},
		}}))(t)
		if len(batch.Successful) != 2 || batch.Successful[0].SequenceNumber == nil {
			t.Fatalf("batch = %+v", batch)
		}
		got := must(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"MessageGroupId", "SequenceNumber", "MessageDeduplicationId"},
			ReceiveRequestAttemptId:     aws.String("try-1")}))(t)
		var bodies []string
		for _, m := range got.Messages {
			bodies = append(bodies, *m.Body)
		}
		if strings.Join(bodies, "") != "abc" || got.Messages[0].Attributes["MessageGroupId"] != "g" || got.Messages[2].Attributes["MessageDeduplicationId"] != "c1" {
			t.Fatalf("received %v, attributes %v", bodies, got.Messages[0].Attributes)
		}
		again := must(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: aws.String("try-1")}))(t)
		if len(again.Messages) != 3 || *again.Messages[0].ReceiptHandle != *got.Messages[0].ReceiptHandle {
			t.Fatalf("retried receive = %+v", again.Messages)
		}
		_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("no group")})
		wantAPIError(t, err, "MissingParameter")
	})
}

func TestSQSDelay(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		url := must(e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("later")}))(t).QueueUrl
		must(e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("a"), DelaySeconds: 60}))(t)
		must(e.sqs.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("b"), MessageBody: aws.String("b"), DelaySeconds: 60}}}))(t)
		if got := must(e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10}))(t).Messages; len(got) != 0 {
			t.Fatalf("received %d delayed messages", len(got))
		}
		e.clock.Add(time.Minute)
		if got := must(e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10}))(t).Messages; len(got) != 2 {
			t.Fatalf("received %d messages after the delay, want 2", len(got))
		}
	})
}
