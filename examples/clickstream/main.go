// Command clickstream is Kinesis Data Streams in process, on a mock clock:
// two concurrent producers write keyed click events to a two-shard stream,
// a shard is split in the middle of the run, and a reader that follows
// shard lineage (it finishes a parent before it starts the parent's
// children) sees every user's clicks in order across the split. Run it with
//
//	go run ./examples/clickstream
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "clickstream:", err)
		os.Exit(1)
	}
}

// users click through pages; each event is "user page n", n counting that
// user's clicks from 1.
var (
	users = []string{"alice", "bob", "carol", "dave", "erin", "frank"}
	pages = []string{"/home", "/search", "/item", "/cart", "/checkout"}
)

func run(w io.Writer) error {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	// Transitions take 2 s on the clock, so the split is seen UPDATING.
	svc := stream.New(stream.WithClock(mock), stream.WithTransitionDelay(2*time.Second))
	defer svc.Close()
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	s, err := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(2)})
	if err != nil {
		return err
	}
	mock.Add(2 * time.Second)
	say("stream %s is ACTIVE with 2 shards", s.Name())

	// Two producers, each in its own goroutine with its own users and
	// randomness, write one PutRecords batch a second.
	producers := make([]*producer, 2)
	for p := range producers {
		producers[p] = &producer{users: users[p*3 : p*3+3], rng: rand.New(rand.NewPCG(7, uint64(p))), clicks: map[string]int{}}
	}
	produce := func() error {
		errs := make(chan error, len(producers))
		for _, p := range producers {
			go func() { errs <- p.put(ctx, s) }()
		}
		var err error
		for range producers {
			err = cmp.Or(err, <-errs)
		}
		return err
	}

	r := newReader(svc, s)
	for tick := 1; tick <= 10; tick++ {
		if err := produce(); err != nil {
			return err
		}
		if tick == 5 {
			// Split shard 0 at the middle of its range; its users' new
			// clicks go to the children once the split is done.
			shards, err := svc.ListShards(ctx, stream.ListShardsInput{StreamName: "clicks"})
			if err != nil {
				return err
			}
			sh := shards.Shards[0].HashKeyRange
			lo, _ := new(big.Int).SetString(sh.StartingHashKey, 10)
			hi, _ := new(big.Int).SetString(sh.EndingHashKey, 10)
			mid := new(big.Int).Add(lo, hi)
			mid.Rsh(mid, 1)
			if err := svc.SplitShard(ctx, stream.SplitShardInput{StreamName: "clicks", ShardToSplit: shards.Shards[0].ShardId,
				NewStartingHashKey: mid.String()}); err != nil {
				return err
			}
			sum, _ := svc.DescribeStreamSummary(ctx, stream.DescribeStreamSummaryInput{StreamName: "clicks"})
			say("split %s at %s: the stream is %s", shards.Shards[0].ShardId, mid, sum.StreamDescriptionSummary.StreamStatus)
		}
		if err := r.poll(ctx, say); err != nil {
			return err
		}
		mock.Add(time.Second)
	}
	if err := r.poll(ctx, say); err != nil {
		return err
	}
	total := 0
	for _, p := range producers {
		for _, n := range p.clicks {
			total += n
		}
	}
	say("produced %d clicks, read %d, every user's clicks in order: %v", total, r.read, r.inOrder)
	for _, id := range slices.Sorted(maps.Keys(r.perShard)) {
		say("  %s: %d records", id, r.perShard[id])
	}
	return nil
}

// producer writes its users' clicks; clicks counts each user's so far.
type producer struct {
	users  []string
	rng    *rand.Rand
	clicks map[string]int
}

// put writes one batch: one to three clicks per user.
func (p *producer) put(ctx context.Context, s *stream.Stream) error {
	var in stream.PutRecordsInput
	for _, u := range p.users {
		for range 1 + p.rng.IntN(3) {
			p.clicks[u]++
			ev := fmt.Sprintf("%s %s %d", u, pages[p.rng.IntN(len(pages))], p.clicks[u])
			in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: u, Data: []byte(ev)})
		}
	}
	out, err := s.PutRecords(ctx, in)
	if err != nil {
		return err
	}
	if out.FailedRecordCount > 0 {
		return fmt.Errorf("%d records throttled", out.FailedRecordCount)
	}
	return nil
}

// reader reads every shard of a stream, a parent to its end before any of
// its children, and checks each user's click numbers only grow.
type reader struct {
	svc      *stream.Service
	s        *stream.Stream
	its      map[string]string // shard -> next iterator, for shards being read
	done     map[string]bool   // shards read to their end
	waiting  map[string][]string
	last     map[string]int // user -> last click number read
	perShard map[string]int
	read     int
	inOrder  bool
}

func newReader(svc *stream.Service, s *stream.Stream) *reader {
	return &reader{svc: svc, s: s, its: map[string]string{}, done: map[string]bool{}, waiting: map[string][]string{},
		last: map[string]int{}, perShard: map[string]int{}, inOrder: true}
}

// poll reads what is there: it starts shards with no unfinished parent,
// and follows each to its end or to the newest record.
func (r *reader) poll(ctx context.Context, say func(string, ...any)) error {
	shards, err := r.svc.ListShards(ctx, stream.ListShardsInput{StreamName: r.s.Name()})
	if err != nil {
		return err
	}
	for _, sh := range shards.Shards {
		_, reading := r.its[sh.ShardId]
		if reading || r.done[sh.ShardId] {
			continue
		}
		if (sh.ParentShardId != "" && !r.done[sh.ParentShardId]) || (sh.AdjacentParentShardId != "" && !r.done[sh.AdjacentParentShardId]) {
			continue // a child waits for its parents
		}
		it, err := r.s.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: sh.ShardId, ShardIteratorType: stream.TrimHorizon})
		if err != nil {
			return err
		}
		r.its[sh.ShardId] = it.ShardIterator
	}
	for _, id := range slices.Sorted(maps.Keys(r.its)) {
		for {
			out, err := r.s.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: r.its[id]})
			if err != nil {
				return err
			}
			for _, rec := range out.Records {
				f := strings.Fields(string(rec.Data))
				n, _ := strconv.Atoi(f[2])
				if n <= r.last[f[0]] {
					r.inOrder = false
				}
				r.last[f[0]] = n
				r.perShard[id]++
				r.read++
			}
			if out.NextShardIterator == "" {
				var kids []string
				for _, c := range out.ChildShards {
					kids = append(kids, c.ShardId)
				}
				say("reader finished closed %s (%d records); children %s", id, r.perShard[id], strings.Join(kids, ", "))
				delete(r.its, id)
				r.done[id] = true
				return r.poll(ctx, say) // start the children
			}
			r.its[id] = out.NextShardIterator
			if len(out.Records) == 0 {
				break // caught up
			}
		}
	}
	return nil
}
