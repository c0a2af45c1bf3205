package lab

// Hardware models and software versions each platform's devices are drawn
// from, as real fleets mix a few of each.
var hardware = map[string][]string{
	"arista_eos":    {"DCS-7050SX3-48YC8", "DCS-7280SR-48C6", "CCS-720XP-48ZC2"},
	"cisco_ios":     {"WS-C2960X-48FPD-L", "WS-C3750X-48P", "WS-C3850-48T"},
	"cisco_nxos":    {"N9K-C93180YC-EX", "N9K-C9336C-FX2", "N9K-C93108TC-FX"},
	"cisco_xr":      {"ASR-9901", "NCS-5501", "ASR-9006"},
	"juniper_junos": {"ex4300-48t", "qfx5110-48s-4c", "ex4650-48y-8c"},
	"linux":         {"KVM"},
}

var versions = map[string][]string{
	"arista_eos":    {"4.28.9M", "4.30.5M", "4.31.2F"},
	"cisco_ios":     {"15.2(7)E8", "15.2(7)E4", "15.0(2)SE11"},
	"cisco_nxos":    {"9.3(10)", "9.3(8)", "10.2(5)"},
	"cisco_xr":      {"7.5.2", "7.3.2", "6.6.3"},
	"juniper_junos": {"21.4R3.15", "20.4R3-S5.4", "22.2R3.15"},
	"linux":         {"6.1.0-28-amd64"},
}
