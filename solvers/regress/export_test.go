package regress

// QRSolve gives the external tests the QR reference solve of regress_test.go.
var QRSolve = qrSolve
