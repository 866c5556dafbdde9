using System.Text;
using System.Text.Json;
using BuildState.Serialization;
using CsCheck;
using static BuildState.Core.Tests.Serialization.StoreJsonOracle;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// The hand-written store JSON (StoreJsonWriter/StoreJsonReader, with System.Text.Json behind them)
/// against System.Text.Json alone, as the store used it before: the same bytes for every value,
/// and for every input, valid or damaged, the same value or the same error.
/// </summary>
public sealed class HandWrittenJsonTests
{
    private const int Iterations = 400;

    [Fact] public void State_is_written_byte_for_byte_as_before() => SameBytes(State, StoreGenerators.Record);

    [Fact] public void History_records_are_written_byte_for_byte_as_before() => SameBytes(History, StoreGenerators.History);

    [Fact] public void Index_is_written_byte_for_byte_as_before() => SameBytes(StoreJsonOracle.Index, StoreGenerators.Index);

    [Fact] public void Journal_records_are_written_byte_for_byte_as_before() => SameBytes(Journal, StoreGenerators.Journal);

    [Fact] public void Checkpoints_are_written_byte_for_byte_as_before() => SameBytes(Checkpoint, StoreGenerators.Checkpoint);

    [Fact] public void Lock_owners_are_written_byte_for_byte_as_before() => SameBytes(LockOwner, StoreGenerators.LockOwner);

    [Fact] public void State_reads_as_before() => SameReads(State, StoreGenerators.Record);

    [Fact] public void History_records_read_as_before() => SameReads(History, StoreGenerators.History);

    [Fact] public void Index_reads_as_before() => SameReads(StoreJsonOracle.Index, StoreGenerators.Index);

    [Fact] public void Journal_records_read_as_before() => SameReads(Journal, StoreGenerators.Journal);

    [Fact] public void Checkpoints_read_as_before() => SameReads(Checkpoint, StoreGenerators.Checkpoint);

    [Fact] public void Lock_owners_read_as_before() => SameReads(LockOwner, StoreGenerators.LockOwner);

    [Fact] public void Damaged_state_files_give_the_same_value_or_error_as_before() => SameReadsOfDamaged(State, StoreGenerators.Record);

    [Fact] public void Damaged_history_records_give_the_same_value_or_error_as_before() => SameReadsOfDamaged(History, StoreGenerators.History);

    [Fact] public void Damaged_index_files_give_the_same_value_or_error_as_before() => SameReadsOfDamaged(StoreJsonOracle.Index, StoreGenerators.Index);

    [Fact] public void Damaged_journal_records_give_the_same_value_or_error_as_before() => SameReadsOfDamaged(Journal, StoreGenerators.Journal);

    [Fact] public void Damaged_checkpoints_give_the_same_value_or_error_as_before() => SameReadsOfDamaged(Checkpoint, StoreGenerators.Checkpoint);

    [Fact] public void Damaged_lock_owners_give_the_same_value_or_error_as_before() => SameReadsOfDamaged(LockOwner, StoreGenerators.LockOwner);

    private static void SameBytes<T>(Case<T> c, Gen<T> gen)
        where T : class =>
        gen.Sample(
            value => Assert.Equal(Outcome(() => c.OracleWrite(value), b => b), Outcome(() => c.Write(value), b => b)),
            iter: Iterations,
            print: value => Show(c, value));

    /// <summary>What the store wrote reads back to the same value (through the hand-written reader when it is of the store's shape).</summary>
    private static void SameReads<T>(Case<T> c, Gen<T> gen)
        where T : class
    {
        var (fast, all) = (0, 0);
        gen.Sample(
            value =>
            {
                byte[] bytes;
                try
                {
                    bytes = c.OracleWrite(value);
                }
                catch (ArgumentException)
                {
                    return; // a value JSON cannot hold (a non-finite double): nothing to read
                }

                Assert.Equal(Outcome(() => c.OracleRead(bytes), c.OracleWrite), Outcome(() => c.Read(bytes), c.OracleWrite));
                Interlocked.Increment(ref all);
                if (ReadsFast(c, bytes))
                {
                    Interlocked.Increment(ref fast);
                }
            },
            iter: Iterations,
            print: value => Show(c, value));

        // Most generated values are of the store's shape (nulls and undefined enum values are the
        // exceptions), so the hand-written reader, not the fallback, must have read most of them.
        Assert.True(fast > all / 3, $"the hand-written reader took {fast} of {all} {c.Name} files");
    }

    private static bool ReadsFast<T>(Case<T> c, byte[] bytes)
        where T : class
    {
        try
        {
            StoreJsonReader.Read(bytes, c.FastRead);
            return true;
        }
        catch (NotCanonicalException)
        {
            return false;
        }
    }

    private static void SameReadsOfDamaged<T>(Case<T> c, Gen<T> gen)
        where T : class =>
        Gen.Select(gen, JsonMutations.Any)
            .Sample(
                t =>
                {
                    byte[] original;
                    try
                    {
                        original = c.OracleWrite(t.Item1);
                    }
                    catch (ArgumentException)
                    {
                        return;
                    }

                    var bytes = t.Item2.Apply(original);
                    Assert.Equal(Outcome(() => c.OracleRead(bytes), c.OracleWrite), Outcome(() => c.Read(bytes), c.OracleWrite));
                },
                iter: Iterations * 5,
                print: t => $"{t.Item2}\n{Text(t.Item2.Apply(SafeWrite(c, t.Item1)))}");

    private static string Show<T>(Case<T> c, T value)
        where T : class => Text(SafeWrite(c, value));

    private static byte[] SafeWrite<T>(Case<T> c, T value)
        where T : class
    {
        try
        {
            return c.OracleWrite(value);
        }
        catch (Exception e)
        {
            return Encoding.UTF8.GetBytes($"(cannot be written: {e.Message})");
        }
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
