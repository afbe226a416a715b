package pubsub

import "time"

// DeliveryStatus reports one delivery attempt to an http, https, sqs,
// lambda or firehose endpoint: sluice's form of SNS delivery status
// logging, which AWS writes to CloudWatch Logs. Give a function to
// [WithDeliveryStatus] to receive them, for example to follow retries in a
// test.
type DeliveryStatus struct {
	// Time is when the attempt was made, on the Service's clock.
	Time            time.Time
	TopicArn        string
	SubscriptionArn string
	Protocol        string
	Endpoint        string
	MessageId       string
	// MessageType is "Notification", "SubscriptionConfirmation" or
	// "UnsubscribeConfirmation".
	MessageType string
	// Attempt counts the attempts at this message to this endpoint, from 1.
	Attempt int
	// Status is "SUCCESS" or "FAILURE", as in AWS's delivery logs.
	Status string
	// StatusCode is the endpoint's HTTP status code (http and https; 0 when
	// no answer came).
	StatusCode int
	// Err says why a failed attempt failed.
	Err error
	// NextAttempt is when a failed delivery will be tried again; zero when
	// it will not be (delivered, or failed for good).
	NextAttempt time.Time
	// DeadLettered is set on the last attempt of a delivery that failed for
	// good and was sent to the subscription's dead-letter queue.
	DeadLettered bool
}

// Delivery statuses, as AWS's delivery logs name them.
const (
	StatusSuccess = "SUCCESS"
	StatusFailure = "FAILURE"
)

// report hands st to the WithDeliveryStatus function, if any. It is
// called with no lock held.
func (s *Service) report(st DeliveryStatus) {
	if s.cfg.status != nil {
		s.cfg.status(st)
	}
}
