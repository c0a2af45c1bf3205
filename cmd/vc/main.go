// Command vc is a terminal console for network engineers.
package main

import "fmt"

func main() { fmt.Println("vc: under construction") }
