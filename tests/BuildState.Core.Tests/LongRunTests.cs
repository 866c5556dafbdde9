using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A run with more transitions than a state carries (StoreLimits.MaxTransitionsInState): the state
/// keeps the newest, counts the rest, and history gives them all back; a commit's size stays bounded.
/// </summary>
public sealed class LongRunTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";
    private const int Moves = 150; // Init <-> Error, which the default lifecycle allows without ending the run

    private static void LongRun(BuildStore store, string runId = "long")
    {
        store.StartRun(Id, new StartRunRequest { RunId = runId });
        for (var i = 0; i < Moves; i++)
        {
            store.Transition(Id, i % 2 == 0 ? "Error" : "Init");
        }
    }

    [Fact]
    public void The_state_keeps_the_newest_transitions_and_counts_the_earlier_ones()
    {
        using var f = new StoreFixture();
        LongRun(f.Store);

        var record = f.Reopen().Get(Id);
        Assert.Equal(StoreLimits.MaxTransitionsInState, record.Transitions.Count);
        Assert.Equal(Moves - StoreLimits.MaxTransitionsInState, record.EarlierTransitions);
        Assert.Equal(record.Phase, record.Transitions[^1].To);
        Assert.Equal(RunStatus.Running, record.Status); // its last move, Error -> Init, is a retry: the run goes on (lifecycle-tables.md)
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void Every_transition_of_the_run_is_read_back_from_history_in_order()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, new StartRunRequest { RunId = "earlier" }); // another run's records must not mix in
        f.Store.Transition(Id, "Error");
        LongRun(f.Store);

        var record = f.Reopen().GetWithAllTransitions(Id);
        Assert.Null(record.EarlierTransitions);
        Assert.Equal(Moves, record.Transitions.Count);
        Assert.Equal("Init", record.Transitions[0].From);
        for (var i = 0; i < Moves; i++)
        {
            Assert.Equal(i % 2 == 0 ? "Error" : "Init", record.Transitions[i].To);
            Assert.True(i == 0 || record.Transitions[i].From == record.Transitions[i - 1].To);
            Assert.True(i == 0 || record.Transitions[i].At >= record.Transitions[i - 1].At);
        }
    }

    [Fact]
    public void Without_the_history_records_that_held_them_the_earlier_transitions_stay_counted()
    {
        using var f = new StoreFixture();
        LongRun(f.Store);
        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        var lines = File.ReadAllLines(log).Where(line => line.Any(c => c != '\0')).ToArray(); // not the zeros written ahead
        File.WriteAllLines(log, lines[^10..]); // as if pruned: only the newest records are left
        var store = f.Reopen();

        var record = store.GetWithAllTransitions(Id);
        Assert.Equal(Moves - StoreLimits.MaxTransitionsInState - 9, record.EarlierTransitions);
        Assert.Equal(StoreLimits.MaxTransitionsInState + 9, record.Transitions.Count);
        Assert.Equal(store.Get(Id).Transitions[^1].At, record.Transitions[^1].At);
    }

    [Fact]
    public void A_commit_late_in_a_long_run_writes_no_more_than_one_early_in_it()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, new StartRunRequest { RunId = "long" });
        var sizes = new List<long>();
        for (var i = 0; i < 3 * StoreLimits.MaxTransitionsInState; i++)
        {
            var before = f.Store.Get(Id).HistoryBytes; // the end of the last record (the file may go on with zeros written ahead)
            f.Store.Transition(Id, i % 2 == 0 ? "Error" : "Init");
            sizes.Add(f.Store.Get(Id).HistoryBytes - before);
        }

        var atTheBound = sizes[StoreLimits.MaxTransitionsInState + 1];
        Assert.True(sizes[^1] <= atTheBound + 64, $"the last record is {sizes[^1]} bytes, {atTheBound} when the state first held the most transitions");
        Assert.True(sizes[^1] > 2 * sizes[1]); // and the bound is reached (the records did grow before it)
    }

    [Fact]
    public void A_new_run_starts_with_no_earlier_transitions()
    {
        using var f = new StoreFixture();
        LongRun(f.Store);
        f.Store.StartRun(Id, new StartRunRequest { RunId = "next", ThenTransitionTo = "Setup" });

        var record = f.Reopen().Get(Id);
        Assert.Null(record.EarlierTransitions);
        Assert.Single(record.Transitions);
    }
}
