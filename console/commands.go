package console

// commandTable is every command vc has. Help, completion and the parser
// read it; each group of commands lives in its own file.
func commandTable() *Table {
	return newTable(
		sessionCommands(),
		storeCommands(),
		selectCommands(),
		inventoryCommands(),
		vaultCommands(),
		credCommands(),
		finishStages(stageCommands()),
		[]*Command{resultCommand()},
		lineCommands(),
		labCommands(),
		execCommands(),
		historyCommands(),
		captureCommands(),
		netboxCommands(),
		sessionsCommands(),
		templateCommands(),
		viewCommands(),
		jobCommands(),
		scheduleCommands(),
		daemonCommands(),
	)
}

// Help groups, in the order `help` lists them.
const (
	groupSession   = "session"
	groupInventory = "inventory"
	groupSelect    = "selection"
	groupRecords   = "records"
	groupStore     = "store"
	groupLab       = "lab"
	groupRun       = "run"
	groupHistory   = "history"
	groupJobs      = "jobs"
)

func groupOrder() []string {
	return []string{groupSelect, groupRun, groupHistory, groupJobs, groupSchedule, groupInventory, groupVault, groupRecords, groupSession, groupStore, groupLab}
}

var jsonFlag = Flag{Name: "json", Help: "print JSON instead of a table"}
