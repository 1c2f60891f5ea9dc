// go-ssh-probe connects to an sshd the way @pulumi/command's remote connection does
// (golang.org/x/crypto/ssh, an Ed25519 key, the host key pinned) and either runs a command or
// tries one algorithm alone, so tests/tools/sshd-audit.test.ts can show which of the server's
// algorithms this x/crypto negotiates. One probe per process: old x/crypto panics in its
// key-exchange goroutine on a MAC name it does not implement, which no recover() can catch.
//
// Usage: go-ssh-probe ADDR USER KEYFILE HOSTPUBFILE run
//        go-ssh-probe ADDR USER KEYFILE HOSTPUBFILE kex|cipher|mac NAME
// Prints "ok ..." and exits 0 when the connection (and command) succeeded, 1 otherwise.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

func main() {
	if len(os.Args) < 6 {
		fmt.Fprintln(os.Stderr, "usage: go-ssh-probe ADDR USER KEYFILE HOSTPUBFILE run | kex|cipher|mac NAME")
		os.Exit(64)
	}
	addr, user, mode := os.Args[1], os.Args[2], os.Args[5]
	keyPEM, err := os.ReadFile(os.Args[3])
	must(err)
	signer, err := ssh.ParsePrivateKey(keyPEM)
	must(err)
	hostLine, err := os.ReadFile(os.Args[4])
	must(err)
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey(hostLine)
	must(err)
	cfg := &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hostKey),
		Timeout:         5 * time.Second,
	}
	if mode != "run" {
		if len(os.Args) != 7 {
			fmt.Fprintln(os.Stderr, "usage: go-ssh-probe ADDR USER KEYFILE HOSTPUBFILE kex|cipher|mac NAME")
			os.Exit(64)
		}
		name := os.Args[6]
		switch mode {
		case "kex":
			cfg.KeyExchanges = []string{name}
		case "cipher":
			cfg.Ciphers = []string{name}
		case "mac":
			// A MAC is negotiated only with a non-AEAD cipher.
			cfg.Ciphers = []string{"aes128-ctr"}
			cfg.MACs = []string{name}
		default:
			fmt.Fprintf(os.Stderr, "unknown mode %q\n", mode)
			os.Exit(64)
		}
	}
	client, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		fmt.Printf("no: %v\n", err)
		os.Exit(1)
	}
	defer client.Close()
	session, err := client.NewSession()
	must(err)
	var out bytes.Buffer
	session.Stdout = &out
	if err := session.Run("echo go-client-ok"); err != nil {
		fmt.Printf("no: run: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("ok %s\n", strings.TrimSpace(out.String()))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
