module vc

go 1.26.0
