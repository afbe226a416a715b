package awsapi_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// TestConcurrentClients runs SDK clients in parallel on one queue and one
// topic fanned out to it, over loopback HTTP and in memory, for the race
// detector; every message sent is received exactly once.
func TestConcurrentClients(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		url := must(e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("shared")}))(t).QueueUrl
		topic := must(e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("shared")}))(t).TopicArn
		must(e.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("sqs"),
			Endpoint: aws.String("arn:aws:sqs:us-east-1:123456789012:shared"), Attributes: map[string]string{"RawMessageDelivery": "true"}}))(t)
		const workers, each = 4, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*2)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					body := fmt.Sprintf("w%d-%d", w, i)
					var err error
					if i%2 == 0 {
						_, err = e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body)})
					} else {
						_, err = e.sns.Publish(ctx, &sns.PublishInput{TopicArn: topic, Message: aws.String(body)})
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		seen := map[string]int{}
		var mu sync.Mutex
		for range workers {
			wg.Go(func() {
				for range 3 * each {
					out, err := e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10})
					if err != nil {
						errs <- err
						return
					}
					var del []types.DeleteMessageBatchRequestEntry
					for i, m := range out.Messages {
						mu.Lock()
						seen[*m.Body]++
						mu.Unlock()
						del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
					}
					if len(del) > 0 {
						if _, err := e.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: del}); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		// Drain what the receivers did not get to.
		for {
			out := must(e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10}))(t)
			if len(out.Messages) == 0 {
				break
			}
			for _, m := range out.Messages {
				seen[*m.Body]++
				must(e.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}))(t)
			}
		}
		if len(seen) != workers*each {
			t.Fatalf("received %d distinct messages, want %d", len(seen), workers*each)
		}
		for body, n := range seen {
			if n != 1 {
				t.Fatalf("%s received %d times", body, n)
			}
		}
	})
}
