package pubsub

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// RegisterQueue makes q reachable by sqs subscriptions whose Endpoint is
// q.ARN(), whichever queue.Service q belongs to. Queues of the Service given
// to [WithQueues] need no registration.
func (s *Service) RegisterQueue(q *queue.Queue) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.queues[q.ARN()] = q
}

// QueueEndpoint registers q, as [Service.RegisterQueue] does, and returns
// its ARN: the Endpoint of an sqs subscription delivering to it.
func (s *Service) QueueEndpoint(q *queue.Queue) string {
	s.RegisterQueue(q)
	return q.ARN()
}

// FunctionHandler is a Go function standing in for a Lambda function: it
// receives the event Lambda would pass for an SNS notification. An error is
// logged and the delivery retried by AWS's managed policy (see the package
// documentation), on the clock.
type FunctionHandler func(ctx context.Context, event LambdaEvent) error

// RegisterFunction makes fn the Lambda function with the given ARN
// ("arn:aws:lambda:<region>:<account>:function:<name>"), the Endpoint of
// lambda subscriptions. Registering again replaces the function.
func (s *Service) RegisterFunction(arn string, fn FunctionHandler) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.functions[arn] = fn
}

// FuncEndpoint registers fn as the Lambda function name of this account
// and region, as [Service.RegisterFunction] does under
// [Service.FunctionARN](name), and returns that ARN: the Endpoint of a
// lambda subscription calling fn.
func (s *Service) FuncEndpoint(name string, fn FunctionHandler) string {
	arn := s.FunctionARN(name)
	s.RegisterFunction(arn, fn)
	return arn
}

// FirehoseDeliverer receives the records of firehose subscriptions: what
// the Amazon Data Firehose delivery stream would get, one PutRecord per
// notification. The firehose package's delivery streams are meant to
// satisfy it.
type FirehoseDeliverer interface {
	// PutRecord receives one record: the JSON notification, or with
	// RawMessageDelivery the message itself. An error is logged and the
	// delivery retried by AWS's managed policy, on the clock.
	PutRecord(ctx context.Context, data []byte) error
}

// RegisterFirehose makes d the delivery stream with the given ARN
// ("arn:aws:firehose:<region>:<account>:deliverystream/<name>"), the
// Endpoint of firehose subscriptions. Registering again replaces it.
// Deliveries to a firehose endpoint with nothing registered go to
// [Service.Outbox].
func (s *Service) RegisterFirehose(arn string, d FirehoseDeliverer) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.firehoses[arn] = d
}

// firehoseByARN returns the deliverer registered under arn, or nil.
func (s *Service) firehoseByARN(arn string) FirehoseDeliverer {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	return s.firehoses[arn]
}

// FunctionARN returns the ARN of a Lambda function of this account and
// region.
func (s *Service) FunctionARN(name string) string {
	return "arn:aws:lambda:" + s.cfg.region + ":" + s.cfg.account + ":function:" + name
}

// LambdaEvent is the event a Lambda function gets from SNS.
type LambdaEvent struct {
	Records []LambdaRecord `json:"Records"`
}

// LambdaRecord is one record of a [LambdaEvent].
type LambdaRecord struct {
	EventSource          string       `json:"EventSource"` // "aws:sns"
	EventVersion         string       `json:"EventVersion"`
	EventSubscriptionArn string       `json:"EventSubscriptionArn"`
	Sns                  LambdaSNSMsg `json:"Sns"`
}

// LambdaSNSMsg is the notification inside a [LambdaRecord]. Note Lambda's
// casing of SigningCertUrl and UnsubscribeUrl.
type LambdaSNSMsg struct {
	Type              string                     `json:"Type"`
	MessageId         string                     `json:"MessageId"`
	TopicArn          string                     `json:"TopicArn"`
	Subject           *string                    `json:"Subject"` // null when not published
	Message           string                     `json:"Message"`
	Timestamp         string                     `json:"Timestamp"`
	SignatureVersion  string                     `json:"SignatureVersion"`
	Signature         string                     `json:"Signature"`
	SigningCertUrl    string                     `json:"SigningCertUrl"`
	UnsubscribeUrl    string                     `json:"UnsubscribeUrl"`
	MessageAttributes map[string]LambdaAttribute `json:"MessageAttributes"`
}

// LambdaAttribute is a message attribute as Lambda sees it: Binary values
// base64-encoded.
type LambdaAttribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// OutboxMessage is a message SNS sent to an email, email-json, sms,
// application or firehose endpoint (one with no [FirehoseDeliverer]
// registered), which sluice records instead.
type OutboxMessage struct {
	Time            time.Time
	Protocol        string
	Endpoint        string
	SubscriptionArn string // empty for a subscription confirmation
	TopicArn        string
	// Type is "Notification" or "SubscriptionConfirmation".
	Type      string
	MessageId string
	// Subject is the email subject: the published Subject, or AWS's default
	// "AWS Notification Message".
	Subject string
	// Body is what the endpoint gets: the message (email, sms,
	// application), the JSON document (email-json, firehose unless raw).
	Body string
	// Token is the confirmation token of a SubscriptionConfirmation.
	Token string
}

// Outbox returns the messages sent so far to outbox protocols, oldest
// first.
func (s *Service) Outbox() []OutboxMessage {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	return slices.Clone(s.outbox)
}

// validateEndpoint checks a Subscribe's endpoint for its protocol.
func (s *Service) validateEndpoint(t *Topic, protocol, endpoint string) error {
	if t.fifo && protocol != "sqs" {
		return errParam("Invalid parameter: Endpoint Reason: Please use FIFO SQS queue")
	}
	switch protocol {
	case "sqs":
		parts := strings.Split(endpoint, ":")
		if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5] == "" {
			return errParam("SQS endpoint ARN")
		}
		if !t.fifo && strings.HasSuffix(parts[5], ".fifo") {
			return errParam("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
		}
	case "lambda":
		parts := strings.Split(endpoint, ":")
		if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
			return errParam("Lambda endpoint ARN")
		}
	case "email", "email-json":
		if at := strings.IndexByte(endpoint, '@'); at <= 0 || at == len(endpoint)-1 {
			return errParam("Email address")
		}
	case "http", "https":
		if !strings.HasPrefix(strings.ToLower(endpoint), protocol+"://") {
			return errParam("Endpoint must match the specified protocol")
		}
	case "sms":
		if !e164.MatchString(endpoint) {
			return errorf(ErrInvalidParameter, "Invalid SMS endpoint: %s", endpoint)
		}
	case "application":
		if parts := strings.Split(endpoint, ":"); len(parts) < 6 || parts[0] != "arn" {
			return errParam("ApplicationEndpoint ARN")
		}
	default:
		if endpoint == "" {
			return errParam("Endpoint")
		}
	}
	return nil
}

// e164 matches a phone number in E.164 form, as SMS endpoints must be.
var e164 = regexp.MustCompile(`^\+?[1-9]\d{1,14}$`)

// queueByARN resolves an sqs endpoint: registered queues first, then the
// queue.Service given to WithQueues.
func (s *Service) queueByARN(arn string) *queue.Queue {
	s.regMu.Lock()
	q := s.queues[arn]
	s.regMu.Unlock()
	if q != nil || s.cfg.queues == nil {
		return q
	}
	parts := strings.Split(arn, ":")
	if len(parts) != 6 {
		return nil
	}
	q, err := s.cfg.queues.QueueFromURL("/" + parts[4] + "/" + parts[5])
	if err != nil || q.ARN() != arn {
		return nil
	}
	return q
}
