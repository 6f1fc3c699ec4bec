package vmc

// never is a done channel that is never closed: the sampling loops' stop
// poll on it must not allocate.
var never = make(chan struct{})
