using System.Diagnostics;
using System.Text.RegularExpressions;
using BuildState.Core.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BuildState.Core.Tests.Fuzz;

/// <summary>
/// Fuzzing of issue 2: thousands of corrupted variants of every store file type (current state,
/// index, history log, checkpoint, backup, a schema-1 state; lock files in <see cref="LockFileFuzzTests"/>):
/// truncation at many offsets, byte flips, hostile JSON values (wrong types, huge numbers, 2 MB
/// strings, deep nesting, nulls, missing members), wrong/missing/newer schema versions, garbage, and
/// for the log re-framed records with valid checksums. Each variant must yield a recovery or a
/// BuildStateException of a sensible kind, never another exception and never a hang. Seeded.
/// </summary>
public class StoreFuzzTests(ITestOutputHelper output)
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("BUILDSTATE_FUZZ_SEED"), out var s) ? s : 4242;

    public static TheoryData<string> Targets =>
    [
        "current_state.json", "index.json", "history log.bsh", "checkpoint", "backup", "schema v1 current_state.json",
    ];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corrupted_variant_gives_a_recovery_or_a_clear_error_kind(string target)
    {
        var failures = Fuzz(target, _ => true);
        Assert.True(failures.Count == 0, $"{failures.Count} variants of {target} failed (seed {Seed}); first:\n{string.Join("\n", failures.Take(8))}");
    }

    private List<string> Fuzz(string target, Func<Mutant, bool> include)
    {
        using var dir = new TempDir();
        var fuzzer = new StoreFuzzer(dir.Path);
        var original = fuzzer.Original(target);
        var random = new Random(Seed + target.Length);
        var mutants = new List<Mutant>();
        mutants.AddRange(Mutations.Truncations(original, 100));
        mutants.AddRange(Mutations.ByteFlips(original, 100, random));
        mutants.AddRange(Mutations.Garbage(random));
        if (target == "history log.bsh")
        {
            mutants.AddRange(Mutations.HistoryRecords(original, 250, random));
        }
        else
        {
            mutants.AddRange(Mutations.SchemaVersions(original));
            mutants.AddRange(Mutations.JsonValues(original, 250, random));
        }

        var failures = new List<(Mutant Mutant, string Problem)>();
        var watch = Stopwatch.StartNew();
        var run = 0;
        foreach (var mutant in mutants.Where(include))
        {
            run++;
            var problem = fuzzer.Run(target, mutant, TimeSpan.FromSeconds(20));
            if (problem is not null)
            {
                failures.Add((mutant, problem));
            }
        }

        output.WriteLine($"{target}: {run} variants ({mutants.Count - run} excluded as known bugs), {failures.Count} failed, {fuzzer.KnownIdMismatch} hit the reported id-mismatch bug, {watch.Elapsed.TotalSeconds:0.0} s (seed {Seed})");
        var messages = failures.Select(f => $"[{f.Mutant.Kind}] {f.Mutant.Detail}\n  {f.Problem.Replace("\n", "\n  ", StringComparison.Ordinal)}").ToList();
        foreach (var group in failures.GroupBy(f => Regex.Replace(f.Mutant.Kind + " | " + f.Problem.Split('\n')[0], "[0-9]+", "N")).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"{group.Count()} x {group.Key}");
            output.WriteLine($"   e.g. [{group.First().Mutant.Kind}] {group.First().Mutant.Detail}: {group.First().Problem}");
        }

        return messages;
    }
}
