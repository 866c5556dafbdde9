using System.Text;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Core.Tests;

/// <summary>
/// PhaseDurations replaced a Dictionary&lt;string, double&gt; in the public model: it must keep the
/// dictionary's behaviour where the store and its users relied on it (insertion order, one entry
/// per phase, the JSON object of phase names and numbers).
/// </summary>
public sealed class PhaseDurationsTests
{
    [Fact]
    public void Phases_keep_the_order_they_were_first_entered_and_one_entry_each()
    {
        var d = new PhaseDurations();
        d.AddTo("Setup", 1);
        d.AddTo("Build", 2);
        d.AddTo("Setup", 3);
        d["Test"] = 4;
        d["Build"] = 5;

        Assert.Equal(["Setup", "Build", "Test"], d.Keys);
        Assert.Equal(3, d.Count);
        Assert.Equal(4, d["Setup"]);
        Assert.Equal(5, d["Build"]);
        Assert.Equal([new("Setup", 4.0), new("Build", 5.0), new KeyValuePair<string, double>("Test", 4.0)], d.ToList());
    }

    [Fact]
    public void Grows_past_its_first_capacity()
    {
        var d = new PhaseDurations();
        for (var i = 0; i < 20; i++)
        {
            d.Add("P" + i, i);
        }

        Assert.Equal(20, d.Count);
        Assert.Equal(19, d["P19"]);
        Assert.Equal("P7", d.PhaseAt(7));
        Assert.Equal(7, d.MillisecondsAt(7));
    }

    [Fact]
    public void The_indexer_and_AddTo_grow_it_too()
    {
        var d = new PhaseDurations();
        for (var i = 0; i < 20; i++)
        {
            d["S" + i] = i;
            d.AddTo("A" + i, i);
            d.AddTo("A" + i, 0.5);
        }

        Assert.Equal(40, d.Count);
        Assert.Equal(19, d["S19"]);
        Assert.Equal(19.5, d["A19"]);
        Assert.Equal("A4", d.PhaseAt(9));
    }

    [Fact]
    public void A_missing_phase_and_a_second_add_are_errors_TryAdd_is_not()
    {
        var d = new PhaseDurations { { "Build", 1 } };
        Assert.Throws<KeyNotFoundException>(() => d["Test"]);
        Assert.Throws<ArgumentException>(() => d.Add("Build", 2));
        Assert.False(d.TryAdd("Build", 2));
        Assert.Equal(1, d["Build"]);
        Assert.False(d.TryGetValue("Test", out _));
        Assert.True(d.ContainsKey("Build"));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.PhaseAt(1));
    }

    [Fact]
    public void A_clone_is_independent()
    {
        var d = new PhaseDurations { ["Build"] = 1 };
        var copy = d.Clone();
        copy.AddTo("Build", 1);
        copy["Test"] = 3;

        Assert.Equal(1, d["Build"]);
        Assert.Equal(1, d.Count);
        Assert.Equal(2, copy["Build"]);
    }

    [Fact]
    public void Finite_check_sees_every_value()
    {
        var d = new PhaseDurations { ["A"] = 1, ["B"] = 2 };
        Assert.True(d.AllFinite());
        d["B"] = double.NaN;
        Assert.False(d.AllFinite());
    }

    [Fact]
    public void A_state_writes_its_durations_as_the_dictionary_did_and_reads_them_back()
    {
        var record = new BuildRecord { Id = "app", Lifecycle = "Default", Phase = "Build" };
        record.Resources.PhaseDurationsMs.AddTo("Setup", 1.5);
        record.Resources.PhaseDurationsMs.AddTo("Build", 20);

        var json = Encoding.UTF8.GetString(StoreJson.Serialize(record)).Replace("\r\n", "\n");
        Assert.Contains("\"phaseDurationsMs\": {\n      \"Setup\": 1.5,\n      \"Build\": 20\n    }", json);

        var back = StoreJson.DeserializeState(Encoding.UTF8.GetBytes(json), "current_state.json");
        Assert.Equal(["Setup", "Build"], back.Resources.PhaseDurationsMs.Keys);
        Assert.Equal(20, back.Resources.PhaseDurationsMs["Build"]);
    }

    [Fact]
    public void A_phase_named_twice_in_a_file_keeps_its_last_value_as_the_dictionary_did()
    {
        var record = new BuildRecord { Id = "app", Lifecycle = "Default", Phase = "Build" };
        record.Resources.PhaseDurationsMs["Build"] = 1;
        var json = Encoding.UTF8.GetString(StoreJson.Serialize(record)).Replace("\"Build\": 1", "\"Build\": 1, \"Build\": 7");

        var back = StoreJson.DeserializeState(Encoding.UTF8.GetBytes(json), "current_state.json");
        Assert.Equal(7, back.Resources.PhaseDurationsMs["Build"]);
        Assert.Equal(1, back.Resources.PhaseDurationsMs.Count);
    }
}
