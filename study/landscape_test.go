package study

import (
	"github.com/vmcmpi/vmcmpi/comm"
	"testing"
	"time"
)

func TestLandscapeFull(t *testing.T) {
	if testing.Short() {
		t.Skip("full chart")
	}
	cfg, err := LoadLandscape("../configs/regress/landscape.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Data.Train, cfg.Data.Test = "../../shared/data/ame/mass16.txt", "../../shared/data/ame/mass_1.mas20.txt"
	start := time.Now()
	res, err := RunLandscape(comm.NewSerial(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("time %v", time.Since(start))
	b, _ := res.JSON()
	t.Logf("%s", b)
}
