package analytics

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestDiscoverInputSchema(t *testing.T) {
	ctx := context.Background()
	svc := New()
	out, err := svc.DiscoverInputSchema(ctx, DiscoverInputSchemaInput{SampleRecords: [][]byte{
		[]byte(`{"TICKER_SYMBOL":"AMZN","SECTOR":"TECHNOLOGY","CHANGE":-1.5,"PRICE":100,"USER":"x","USER@DOMAIN":"y","@@":1,"geo":{"lat":1.5}}`),
		[]byte(`{"TICKER_SYMBOL":"QXZ","SECTOR":"RETAIL","CHANGE":2,"PRICE":3000000000,"ok":true}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(out.InputSchema.RecordColumns)
	want := "[{COL_0 INTEGER $['@@']} {CHANGE DOUBLE $.CHANGE} {PRICE BIGINT $.PRICE} {SECTOR VARCHAR(16) $.SECTOR} " +
		"{TICKER_SYMBOL VARCHAR(4) $.TICKER_SYMBOL} {COL_USER VARCHAR(1) $.USER} {COL_USERDOMAIN VARCHAR(1) $['USER@DOMAIN']} " +
		"{lat DOUBLE $.geo.lat} {ok BOOLEAN $.ok}]"
	if got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
	if len(out.ParsedInputRecords) != 2 || len(out.RawInputRecords) != 2 {
		t.Errorf("parsed %d raw %d", len(out.ParsedInputRecords), len(out.RawInputRecords))
	}
	csv, err := svc.DiscoverInputSchema(ctx, DiscoverInputSchemaInput{SampleRecords: [][]byte{[]byte("a,1,2.5\nbb,2,3")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(csv.InputSchema.RecordColumns); got != "[{COL_0 VARCHAR(2) } {COL_1 INTEGER } {COL_2 DOUBLE }]" {
		t.Errorf("csv columns %s", got)
	}
	if _, err := svc.DiscoverInputSchema(ctx, DiscoverInputSchemaInput{}); !errors.Is(err, ErrUnableToDetectSchemaException) {
		t.Errorf("empty: %v", err)
	}
}
