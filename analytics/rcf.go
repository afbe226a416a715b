package analytics

func (qc *qctx) randomCutForest(f *tableFunc) (*source, error) {
	return nil, codeErr(f.pos, "%s is not supported by sluice yet", f.name)
}
