package pubsub_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"testing"
	"testing/synctest"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// psCert parses the Service's signing certificate.
func psCert(t *testing.T, svc *pubsub.Service) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(svc.SigningCertificate())
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("SigningCertificate is not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// psVerify checks a JSON message's Signature as an SNS client does: it
// rebuilds AWS's string to sign for the message's Type and verifies it
// with the certificate's RSA key, SHA1 for SignatureVersion 1 and SHA256
// for 2.
func psVerify(cert *x509.Certificate, doc map[string]string) error {
	keys := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if doc["Type"] != "Notification" {
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var sts []byte
	for _, k := range keys {
		v, ok := doc[k]
		if !ok {
			continue // Subject when not published
		}
		sts = append(sts, k+"\n"+v+"\n"...)
	}
	sig, err := base64.StdEncoding.DecodeString(doc["Signature"])
	if err != nil {
		return err
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	switch doc["SignatureVersion"] {
	case "1":
		sum := sha1.Sum(sts)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	case "2":
		sum := sha256.Sum256(sts)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	}
	return errUnknownVersion
}

type psError string

func (e psError) Error() string { return string(e) }

const errUnknownVersion = psError("unknown SignatureVersion")

// psDoc decodes a JSON message's string fields.
func psDoc(t *testing.T, body string) map[string]string {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	doc := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			doc[k] = s
		}
	}
	return doc
}

// psVerified fails the test unless doc verifies and, tampered, does not.
func psVerified(t *testing.T, cert *x509.Certificate, doc map[string]string, version string) {
	t.Helper()
	if doc["SignatureVersion"] != version {
		t.Fatalf("SignatureVersion = %q, want %q", doc["SignatureVersion"], version)
	}
	if err := psVerify(cert, doc); err != nil {
		t.Fatalf("%s does not verify: %v\n%v", doc["Type"], err, doc)
	}
	for _, k := range []string{"Message", "MessageId", "Timestamp", "TopicArn"} {
		tampered := map[string]string{}
		for k, v := range doc {
			tampered[k] = v
		}
		tampered[k] += "x"
		if psVerify(cert, tampered) == nil {
			t.Fatalf("%s with its %s changed verifies", doc["Type"], k)
		}
	}
}

func TestSignatures_VerifyWithTheCertificate(t *testing.T) {
	for _, version := range []string{"1", "2"} {
		t.Run("SignatureVersion"+version, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, ep := psHTTPEnv(t)
				cert := psCert(t, e.svc)
				if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
					t.Fatalf("certificate is not self-signed: %v", err)
				}
				if cert.Subject.CommonName != "sns.us-east-1.amazonaws.com" || !cert.NotBefore.Equal(psEpoch.Truncate(1e9)) || !cert.NotAfter.After(psEpoch) {
					t.Fatalf("certificate %s valid %v to %v", cert.Subject, cert.NotBefore, cert.NotAfter)
				}
				tp := e.topic("t", map[string]string{"SignatureVersion": version})
				q := e.queue("q")
				e.subscribe(tp, "sqs", q.ARN(), nil)
				e.subscribe(tp, "email-json", "a@example.com", nil)
				if _, err := tp.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{Token: e.svc.Outbox()[0].Token}); err != nil {
					t.Fatal(err)
				}

				// SubscriptionConfirmation.
				arn := e.confirm(tp, ep, nil)
				reqs := ep.requests()
				psVerified(t, cert, psDoc(t, reqs[len(reqs)-1].body), version)

				// Notifications, with and without a Subject, over http and
				// SQS, which share one signature.
				subject := "greetings"
				e.publish(tp, pubsub.PublishInput{Message: "hello", Subject: &subject})
				e.publish(tp, pubsub.PublishInput{Message: "bye"})
				reqs = ep.requests()
				// The two http attempts run concurrently: either may come first.
				h1, h2 := psDoc(t, reqs[len(reqs)-2].body), psDoc(t, reqs[len(reqs)-1].body)
				if h1["Message"] != "hello" {
					h1, h2 = h2, h1
				}
				if h1["Subject"] != subject || h1["Type"] != "Notification" {
					t.Fatalf("notification = %v", h1)
				}
				psVerified(t, cert, h1, version)
				psVerified(t, cert, h2, version)
				msgs := e.receive(q)
				if len(msgs) != 2 {
					t.Fatalf("%d SQS messages, want 2", len(msgs))
				}
				s1 := psDoc(t, msgs[0].Body)
				psVerified(t, cert, s1, version)
				if s1["Signature"] != h1["Signature"] {
					t.Fatalf("SQS and http signatures differ: %q, %q", s1["Signature"], h1["Signature"])
				}
				out := e.svc.Outbox()
				if ej := psDoc(t, out[len(out)-1].Body); ej["Signature"] != h2["Signature"] {
					t.Fatalf("email-json notification = %v", ej)
				} else {
					psVerified(t, cert, ej, version)
				}
				h1["Subject"] += "x"
				if psVerify(cert, h1) == nil {
					t.Fatal("notification with its Subject changed verifies")
				}

				// UnsubscribeConfirmation.
				if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
					t.Fatal(err)
				}
				reqs = ep.requests()
				u := psDoc(t, reqs[len(reqs)-1].body)
				if u["Type"] != "UnsubscribeConfirmation" {
					t.Fatalf("last request = %v", u)
				}
				psVerified(t, cert, u, version)
			})
		})
	}
}

func TestSignatures_KeyPerService(t *testing.T) {
	a, b := psNewEnv(t), psNewEnv(t)
	ca, cb := psCert(t, a.svc), psCert(t, b.svc)
	if ca.Equal(cb) {
		t.Fatal("two Services share a signing certificate")
	}
	if !ca.Equal(psCert(t, a.svc)) {
		t.Fatal("a Service's certificate changed between calls")
	}
}

// WithDigestSignatures replaces the RSA signature by the digest it would
// sign: same string to sign, no key.
func TestDigestSignatures(t *testing.T) {
	ctx := context.Background()
	qs := queue.New()
	svc := pubsub.New(pubsub.WithQueues(qs), pubsub.WithDigestSignatures())
	defer svc.Close()
	tp, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "orders", Attributes: map[string]string{"SignatureVersion": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := qs.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "q"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: q.ARN()}); err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Publish(ctx, pubsub.PublishInput{Message: "hello"}); err != nil {
		t.Fatal(err)
	}
	out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("receive: %+v, %v", out, err)
	}
	var n struct{ Message, MessageId, Timestamp, TopicArn, Type, Signature string }
	if err := json.Unmarshal([]byte(out.Messages[0].Body), &n); err != nil {
		t.Fatal(err)
	}
	sts := "Message\n" + n.Message + "\nMessageId\n" + n.MessageId + "\nTimestamp\n" + n.Timestamp +
		"\nTopicArn\n" + n.TopicArn + "\nType\n" + n.Type + "\n"
	sum := sha256.Sum256([]byte(sts))
	if want := base64.StdEncoding.EncodeToString(sum[:]); n.Signature != want {
		t.Fatalf("Signature = %q, want the SHA-256 digest %q", n.Signature, want)
	}
}
