package awsapi_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluicehq/sluice/awsapi"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// The AWS SDK for Go v2, pointed at sluice in process: no socket, and the
// test keeps the mock clock.
func ExampleHTTPClient() {
	ctx := context.Background()
	mock := clock.NewMock()
	queues := queue.New(queue.WithClock(mock))
	defer queues.Close()
	h := awsapi.New(awsapi.WithQueues(queues))

	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		o.BaseEndpoint = aws.String("http://sluice.local") // any host: nothing is dialled
		o.HTTPClient = awsapi.HTTPClient(h)
	})

	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("hello"), DelaySeconds: 60})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	fmt.Println(*q.QueueUrl, len(out.Messages))
	mock.Add(time.Minute) // the delay passes
	out, _ = client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	fmt.Println(*out.Messages[0].Body)
	// Output:
	// http://sluice.local/123456789012/jobs 0
	// hello
}
