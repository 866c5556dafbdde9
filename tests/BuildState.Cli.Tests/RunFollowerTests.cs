using BuildState.Cli.Rendering;
using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>What `watch` reports, in process: one event per transition, also once the state holds only a long run's newest.</summary>
public sealed class RunFollowerTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Every_transition_of_a_long_run_is_reported_once_in_order()
    {
        var store = _store.Store;
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "long" });
        var follower = new RunFollower(store, onlyBuild: null, runId: "long", waitForStart: false);
        var seen = new List<WatchEvent>();
        var moves = 0;
        void Move(int count)
        {
            for (var i = 0; i < count; i++, moves++)
            {
                store.Transition(TestStore.App, moves % 2 == 0 ? "Error" : "Init");
            }

            seen.AddRange(follower.Poll().Where(e => e.Event == "transition"));
        }

        Move(10);
        Move(StoreLimits.MaxTransitionsInState + 30); // more than the state holds between two polls: the oldest of them are gone from it
        Move(5);

        Assert.True(store.Get(TestStore.App).EarlierTransitions > 0);
        static string To(int move) => move % 2 == 0 ? "Error" : "Init";
        // Moves 0-9, then of the next 94 only those the state still held at the second poll (the
        // newest 64: moves 40-103; the others were already gone from it), then moves 104-108.
        var expected = Enumerable.Range(0, 10).Concat(Enumerable.Range(40, StoreLimits.MaxTransitionsInState)).Concat(Enumerable.Range(104, 5)).Select(To);
        Assert.Equal(expected, seen.Select(e => e.To));
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].At >= seen[i - 1].At);
        }
    }

    [Fact]
    public void A_second_run_of_a_build_under_the_same_run_id_is_reported_from_its_start()
    {
        // One invocation may run a build twice (a test session after its build, MSBuild instances
        // of one build one after the other): both runs carry its run id.
        var store = _store.Store;
        var follower = new RunFollower(store, onlyBuild: null, runId: "inv", waitForStart: false);
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "inv", ThenTransitionTo = "Setup", AndThen = ["Build"] });
        store.Advance(TestStore.App, new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
        var first = follower.Poll().ToList();
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "inv", ThenTransitionTo = "Setup", AndThen = ["Build"] });
        var second = follower.Poll().ToList();
        store.Advance(TestStore.App, new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
        var third = follower.Poll().ToList();

        Assert.Equal(["started", "transition", "transition", "transition", "transition", "ended"], first.Select(e => e.Event));
        Assert.Equal(["started", "transition", "transition"], second.Select(e => e.Event));
        Assert.Equal(["Setup", "Build"], second.Where(e => e.Event == "transition").Select(e => e.To));
        Assert.Equal(["transition", "transition", "ended"], third.Select(e => e.Event));
    }
}
