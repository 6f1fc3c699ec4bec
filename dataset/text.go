package dataset

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// MaxFileBytes bounds a data file the readers take in (a table of 10⁷
// rows is ~250 MB); /dev/zero or a binary file by mistake is refused
// instead of read until memory runs out.
const MaxFileBytes = 1 << 30

// textReader reads a text file for the table readers: it drops a UTF-8
// byte-order mark (spreadsheets write one, and it would stick to the first
// column's name), and fails at the first NUL byte or past max bytes.
func textReader(r io.Reader, name string, max int64) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	return &guarded{r: br, name: name, max: max}
}

type guarded struct {
	r    io.Reader
	name string
	max  int64
	n    int64
}

func (g *guarded) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if i := bytes.IndexByte(p[:n], 0); i >= 0 {
		return 0, fmt.Errorf("%s: NUL byte at offset %d: not a text file", g.name, g.n+int64(i))
	}
	g.n += int64(n)
	if g.n > g.max {
		return 0, fmt.Errorf("%s: larger than %d bytes (dataset.MaxFileBytes)", g.name, g.max)
	}
	return n, err
}
