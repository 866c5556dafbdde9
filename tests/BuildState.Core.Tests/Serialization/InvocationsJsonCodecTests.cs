using System.Text;
using System.Text.Json;
using BuildState.Serialization;
using BuildState.Store;
using CsCheck;
using static BuildState.Store.InvocationRegistry;

namespace BuildState.Core.Tests.Serialization;

/// <summary>The hand-written invocations.json against InvocationsJson (System.Text.Json): same bytes, same values, same exceptions.</summary>
public sealed class InvocationsJsonCodecTests
{
    private static readonly Gen<Participant> GenParticipant =
        from owner in StoreGenerators.Owner.Null()
        from active in Gen.Bool
        select new Participant { Owner = owner!, Active = active };

    private static readonly Gen<Invocation> GenInvocation =
        from runId in StoreGenerators.MostlyText
        from fingerprint in StoreGenerators.MostlyText
        from entry in StoreGenerators.Owner.Null()
        from started in StoreGenerators.Date
        from last in StoreGenerators.Date
        from participants in Gen.Frequency((8, GenParticipant.Null().List[0, 4]), (1, Gen.Const((List<Participant?>)null!)))
        select new Invocation { RunId = runId, Fingerprint = fingerprint, Entry = entry, StartedAt = started, LastActivity = last, Participants = participants is null ? null! : participants.Select(p => p!).ToList() };

    private static readonly Gen<InvocationsFile> GenFile =
        from version in StoreGenerators.Int
        from invocations in Gen.Frequency((8, GenInvocation.Null().List[0, 4]), (1, Gen.Const((List<Invocation?>)null!)))
        select new InvocationsFile { SchemaVersion = version, Invocations = invocations is null ? null! : invocations.Select(i => i!).ToList() };

    private static byte[] OracleWrite(InvocationsFile file) => JsonSerializer.SerializeToUtf8Bytes(file, InvocationsJson.Default.InvocationsFile);

    private static InvocationsFile? OracleRead(byte[] bytes) => JsonSerializer.Deserialize(bytes, InvocationsJson.Default.InvocationsFile);

    private static byte[] Show(InvocationsFile? file) => file is null ? "null"u8.ToArray() : OracleWrite(file);

    [Fact]
    public void Written_byte_for_byte_as_before() =>
        GenFile.Sample(
            file => Assert.Equal(StoreJsonOracle.Outcome(() => OracleWrite(file), b => b), StoreJsonOracle.Outcome(() => InvocationsJsonCodec.Serialize(file), b => b)),
            iter: 400);

    [Fact]
    public void Read_as_before_whole_or_damaged() =>
        Gen.Select(GenFile, JsonMutations.Any, Gen.Bool).Sample(
            t =>
            {
                var bytes = OracleWrite(t.Item1);
                if (t.Item3)
                {
                    bytes = t.Item2.Apply(bytes);
                }

                Assert.Equal(StoreJsonOracle.Outcome(() => OracleRead(bytes), Show), StoreJsonOracle.Outcome(() => InvocationsJsonCodec.Deserialize(bytes), Show));
            },
            iter: 2000,
            print: t => Encoding.UTF8.GetString(t.Item3 ? t.Item2.Apply(OracleWrite(t.Item1)) : OracleWrite(t.Item1)));

    [Fact]
    public void What_the_registry_writes_is_read_by_the_hand_written_reader()
    {
        var file = new InvocationsFile
        {
            Invocations =
            [
                new Invocation
                {
                    RunId = "20261123T100000Z-abcdef", Fingerprint = "0123456789abcdef0123456789abcdef", Entry = Model.OwnerInfo.Current, StartedAt = DateTimeOffset.UtcNow, LastActivity = DateTimeOffset.UtcNow,
                    Participants = [new Participant { Owner = Model.OwnerInfo.Current, Active = true }, new Participant { Owner = new Model.OwnerInfo { ProcessId = 7, Host = "h" } }],
                },
            ],
        };
        var bytes = InvocationsJsonCodec.Serialize(file);
        Assert.Equal(OracleWrite(file), bytes);
        Assert.Equal(bytes, OracleWrite(StoreJsonReader.Read(bytes, InvocationsJsonCodec.ReadFile)));
    }
}
