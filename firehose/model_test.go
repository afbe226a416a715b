package firehose_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
)

// TestDeliveryModel runs random puts, clock steps and updates on one
// delivery stream (1 MiB, 60 s buffer) and checks the bucket against a
// plain model: every record delivered exactly once, in put order within
// an object, objects exactly when the model flushes (never before the
// interval), each named with the version it was flushed under.
func TestDeliveryModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			m := newDeliveryMachine(t)
			defer m.svc.Close()
			t.Repeat(map[string]func(*rapid.T){
				"put":     m.put,
				"advance": m.advance,
				"update":  m.update,
				"":        m.check,
			})
		})
	})
}

const (
	modelSize     = 1 << 20
	modelInterval = 60 * time.Second
)

type modelObject struct {
	version int
	ids     []int
}

type deliveryMachine struct {
	ctx   context.Context
	clock *clock.Mock
	svc   *firehose.Service
	d     *firehose.DeliveryStream

	now      time.Time
	version  int
	next     int
	buffer   []int
	size     int
	openedAt time.Time
	objects  []modelObject
	seen     map[string]string // parsed objects by key
}

func newDeliveryMachine(t *rapid.T) *deliveryMachine {
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := firehose.New(firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(5, 6)))
	out, err := svc.CreateDeliveryStream(context.Background(), firehose.CreateDeliveryStreamInput{DeliveryStreamName: "model",
		ExtendedS3DestinationConfiguration: s3(1, 60)})
	if err != nil {
		t.Fatal(err)
	}
	return &deliveryMachine{ctx: context.Background(), clock: mock, svc: svc, d: out.DeliveryStream, now: epoch, version: 1}
}

// flush delivers the model's buffer.
func (m *deliveryMachine) flush() {
	if len(m.buffer) > 0 {
		m.objects = append(m.objects, modelObject{version: m.version, ids: m.buffer})
		m.buffer, m.size = nil, 0
	}
}

// catchUp flushes the buffer if its interval ended.
func (m *deliveryMachine) catchUp() {
	if len(m.buffer) > 0 && !m.now.Before(m.openedAt.Add(modelInterval)) {
		m.flush()
	}
}

// record renders record id as its data, padded to size bytes.
func record(id, size int) []byte {
	s := "<" + strconv.Itoa(id) + ">"
	return []byte(s + strings.Repeat(".", max(size-len(s), 0)))
}

func (m *deliveryMachine) put(t *rapid.T) {
	sizes := rapid.SliceOfN(rapid.SampledFrom([]int{10, 1000, 300_000}), 1, 4).Draw(t, "sizes")
	recs := make([]firehose.Record, len(sizes))
	m.catchUp()
	for i, size := range sizes {
		recs[i] = firehose.Record{Data: record(m.next, size)}
		if len(m.buffer) == 0 {
			m.openedAt = m.now
		}
		m.buffer = append(m.buffer, m.next)
		m.size += len(recs[i].Data)
		m.next++
		if m.size >= modelSize {
			m.flush()
		}
	}
	if _, err := m.d.PutRecordBatch(m.ctx, firehose.PutRecordBatchInput{Records: recs}); err != nil {
		t.Fatal(err)
	}
}

func (m *deliveryMachine) advance(t *rapid.T) {
	d := time.Duration(rapid.IntRange(0, 90).Draw(t, "seconds")) * time.Second
	synctest.Wait()
	m.clock.Add(d)
	synctest.Wait()
	m.now = m.now.Add(d)
	m.catchUp()
}

func (m *deliveryMachine) update(t *rapid.T) {
	m.catchUp()
	err := m.svc.UpdateDestination(m.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "model",
		CurrentDeliveryStreamVersionId: strconv.Itoa(m.version), DestinationId: firehose.DestinationID,
		ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{Prefix: fmt.Sprintf("v%d/", m.version+1)}})
	if err != nil {
		t.Fatal(err)
	}
	m.flush()
	m.version++
}

func (m *deliveryMachine) check(t *rapid.T) {
	if m.seen == nil {
		m.seen = map[string]string{}
	}
	var got []string
	b := m.svc.Bucket(bucketARN)
	for _, key := range b.Keys() {
		parsed, ok := m.seen[key]
		if !ok {
			body, _ := b.Object(key)
			name := key[strings.LastIndex(key, "/")+1:]
			version := strings.SplitN(name, "-", 3)[1]
			var ids []string
			for _, part := range strings.Split(string(body), "<")[1:] {
				ids = append(ids, part[:strings.IndexByte(part, '>')])
			}
			parsed = version + ":" + strings.Join(ids, ",")
			m.seen[key] = parsed
		}
		got = append(got, parsed)
	}
	var want []string
	for _, o := range m.objects {
		ids := make([]string, len(o.ids))
		for i, id := range o.ids {
			ids[i] = strconv.Itoa(id)
		}
		want = append(want, strconv.Itoa(o.version)+":"+strings.Join(ids, ","))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("objects (version:ids)\n got %v\nwant %v", got, want)
	}
}
