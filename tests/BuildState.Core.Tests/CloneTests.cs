using System.Collections;
using System.Reflection;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Core.Tests;

/// <summary>BuildRecord.Clone is written out by hand: it must copy everything, and share nothing mutable.</summary>
public sealed class CloneTests
{
    private static BuildRecord Full()
    {
        var at = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        return new BuildRecord
        {
            Id = "src/A/A.csproj|Debug|net10.0", Phase = "Build", Status = RunStatus.Running, RunId = "r", Sequence = 7, CreatedAt = at, UpdatedAt = at, HistoryBytes = 99,
            Run = new RunInfo { RunId = "r", Status = RunStatus.Running, StartedAt = at, Owner = new OwnerInfo { ProcessId = 1, Host = "h" }, Reason = "x" },
            Transitions = [new TransitionRecord { From = "Init", To = "Setup", At = at, DurationMs = 1.5 }],
            EarlierTransitions = 2,
            Artifacts = [new ArtifactRecord { Path = "bin/A.dll", Size = 3, Sha256 = "ab", LastWriteUtc = at, Kind = "assembly" }],
            Dependencies = ["src/B/B.csproj|Debug|net10.0"],
            Checkpoints = [new CheckpointRef { Id = "cp-1", Name = "n", Phase = "Build", CreatedAt = at, HasArtifactCopies = true, Automatic = true, ArtifactsSha256 = "cd" }],
            Errors = [new ErrorRecord { At = at, Phase = "Build", Code = "CS1002", Message = "; expected", Target = "CoreCompile", File = "a.cs", Line = 1, Column = 2 }],
            Resources = new ResourceInfo { Machine = "m", ProcessId = 2, NodeId = 3, PhaseDurationsMs = { ["Build"] = 12.5 } },
            Metadata = { ["k"] = "v" },
            Tests = new TestResults { Total = 4, Passed = 2, Failed = 1, Skipped = 1, Source = "src/A/obj/t.trx" },
        };
    }

    [Fact]
    public void A_clone_equals_the_original_in_every_field()
    {
        var original = Full();
        Assert.Equal(StoreJson.Serialize(original), StoreJson.Serialize(original.Clone()));
        Assert.Equal(original.HistoryBytes, original.Clone().HistoryBytes); // not serialized, still copied
    }

    [Fact]
    public void A_clone_shares_no_mutable_object_with_the_original()
    {
        var original = Full();
        AssertNothingShared(original, original.Clone(), nameof(BuildRecord));
    }

    private static void AssertNothingShared(object original, object copy, string path)
    {
        foreach (var property in original.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = property.PropertyType;
            if (type.IsValueType || type == typeof(string) || type == typeof(OwnerInfo) || property.GetIndexParameters().Length > 0)
            {
                continue; // values, strings and the immutable owner may be shared
            }

            var a = property.GetValue(original);
            var b = property.GetValue(copy);
            Assert.NotNull(a); // the sample fills every reference: a new property must be filled too
            Assert.False(ReferenceEquals(a, b), $"{path}.{property.Name} is shared by the clone");
            if (a is IList list && b is IList copies)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } item && item is not string)
                    {
                        AssertNothingShared(item, copies[i]!, $"{path}.{property.Name}[{i}]");
                        Assert.False(ReferenceEquals(item, copies[i]), $"{path}.{property.Name}[{i}] is shared by the clone");
                    }
                }
            }
            else if (a is not IDictionary)
            {
                AssertNothingShared(a!, b!, $"{path}.{property.Name}");
            }
        }
    }
}
