package pubsub

import "testing"

// benchmarkMatch reports evaluations per second of p against each message
// in turn.
func benchmarkMatch(b *testing.B, p *filterPolicy, msgs []*filterMessage, wants []bool) {
	b.Helper()
	for i, m := range msgs {
		if got := p.match(m); got != wants[i] {
			b.Fatalf("message %d: match = %v, want %v", i, got, wants[i])
		}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		p.match(msgs[n%len(msgs)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "evals/s")
}

func BenchmarkFilterAttributes(b *testing.B) {
	p, err := compileFilterPolicy(`{
		"store": ["example_corp", "other_corp"],
		"event": [{"anything-but": ["order_cancelled", "order_refunded"]}],
		"price_usd": [{"numeric": [">=", 100, "<", 1000]}]
	}`, "MessageAttributes")
	if err != nil {
		b.Fatal(err)
	}
	matching := &filterMessage{attrs: map[string]MessageAttributeValue{
		"store":     {DataType: "String", StringValue: "example_corp"},
		"event":     {DataType: "String", StringValue: "order_placed"},
		"price_usd": {DataType: "Number", StringValue: "210.75"},
		"channel":   {DataType: "String", StringValue: "web"},
	}}
	failing := &filterMessage{attrs: map[string]MessageAttributeValue{
		"store":     {DataType: "String", StringValue: "example_corp"},
		"event":     {DataType: "String", StringValue: "order_placed"},
		"price_usd": {DataType: "Number", StringValue: "99.5"},
	}}
	b.Run("match", func(b *testing.B) {
		benchmarkMatch(b, p, []*filterMessage{matching}, []bool{true})
	})
	b.Run("nomatch", func(b *testing.B) {
		benchmarkMatch(b, p, []*filterMessage{failing}, []bool{false})
	})
	b.Run("prefix-exists", func(b *testing.B) {
		q, err := compileFilterPolicy(`{"store":[{"prefix":"example"}],"event":[{"exists":true}],"coupon":[{"exists":false}]}`, "")
		if err != nil {
			b.Fatal(err)
		}
		benchmarkMatch(b, q, []*filterMessage{matching, failing}, []bool{true, true})
	})
	b.Run("string-array", func(b *testing.B) {
		q, err := compileFilterPolicy(`{"customer_interests":["rugby","football","baseball"]}`, "")
		if err != nil {
			b.Fatal(err)
		}
		m := &filterMessage{attrs: map[string]MessageAttributeValue{
			"customer_interests": {DataType: "String.Array", StringValue: `["soccer", "rugby", "hockey"]`},
		}}
		benchmarkMatch(b, q, []*filterMessage{m}, []bool{true})
	})
}

func BenchmarkFilterBody(b *testing.B) {
	p, err := compileFilterPolicy(`{
		"Records": {
			"s3": {"object": {"key": [{"prefix": "auto-"}]}},
			"eventName": [{"prefix": "ObjectCreated:"}]
		},
		"$or": [{"region": ["eu-west-1"]}, {"account": [{"exists": true}]}]
	}`, "MessageBody")
	if err != nil {
		b.Fatal(err)
	}
	body := `{"account":"123456789012","Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",` +
		`"s3":{"bucket":{"name":"insurance"},"object":{"key":"auto-insurance-2314.xml","size":17}}},` +
		`{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"object":{"key":"home-2314.xml","size":17}}}]}`
	// A publish parses the body once and matches it against every
	// body-scoped subscription: the cached case is the per-subscription cost.
	b.Run("cached", func(b *testing.B) {
		benchmarkMatch(b, p, []*filterMessage{{body: body}}, []bool{true})
	})
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if !p.match(&filterMessage{body: body}) {
				b.Fatal("no match")
			}
			n++
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "evals/s")
	})
}
