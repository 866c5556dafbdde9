using System.Text.Json;
using BuildState.Model;
using BuildState.Store;
using static BuildState.Store.InvocationRegistry;

namespace BuildState.Serialization;

/// <summary>
/// <c>invocations.json</c> (the registry that groups an invocation's runs) by hand, like
/// <see cref="StoreJsonWriter"/>/<see cref="StoreJsonReader"/>: every MSBuild node reads and writes
/// it in its first task, so through System.Text.Json it is where the node's JIT work on first use
/// goes. The same bytes as <c>InvocationsJson</c> (its own options: nulls written, not left out) and
/// the same values or exceptions: anything not of the shape written here is read by
/// <c>InvocationsJson</c> itself. For <see cref="InvocationRegistry"/>'s Read and Write.
/// </summary>
internal static class InvocationsJsonCodec
{
    /// <summary>What <c>JsonSerializer.SerializeToUtf8Bytes(file, InvocationsJson.Default.InvocationsFile)</c> gives.</summary>
    public static byte[] Serialize(InvocationsFile file)
    {
        try
        {
            return StoreJsonWriter.Write(file, File, indented: true);
        }
        catch (Exception e) when (e is NotCanonicalException or ArgumentException or InvalidOperationException)
        {
            return JsonSerializer.SerializeToUtf8Bytes(file, InvocationsJson.Default.InvocationsFile);
        }
    }

    /// <summary>What <c>JsonSerializer.Deserialize(utf8, InvocationsJson.Default.InvocationsFile)</c> gives, or throws.</summary>
    public static InvocationsFile? Deserialize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StoreJsonReader.Read(utf8, ReadFile);
        }
        catch (Exception e) when (e is NotCanonicalException or JsonException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            return JsonSerializer.Deserialize(utf8, InvocationsJson.Default.InvocationsFile);
        }
    }

    private static void File(Utf8JsonWriter w, InvocationsFile? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("schemaVersion"u8, v.SchemaVersion);
        w.WritePropertyName("invocations"u8);
        List(w, v.Invocations, Invocation);
        w.WriteEndObject();
    }

    private static void Invocation(Utf8JsonWriter w, Invocation? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WritePropertyName("runId"u8);
        StoreJsonWriter.StringValue(w, v.RunId);
        w.WritePropertyName("fingerprint"u8);
        StoreJsonWriter.StringValue(w, v.Fingerprint);
        w.WritePropertyName("entry"u8);
        Owner(w, v.Entry);
        w.WriteString("startedAt"u8, v.StartedAt);
        w.WriteString("lastActivity"u8, v.LastActivity);
        w.WritePropertyName("participants"u8);
        List(w, v.Participants, Participant);
        w.WriteEndObject();
    }

    private static void Participant(Utf8JsonWriter w, Participant? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WritePropertyName("owner"u8);
        Owner(w, v.Owner);
        w.WriteBoolean("active"u8, v.Active);
        w.WriteEndObject();
    }

    private static void Owner(Utf8JsonWriter w, OwnerInfo? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("processId"u8, v.ProcessId);
        w.WritePropertyName("host"u8);
        StoreJsonWriter.StringValue(w, v.Host);
        w.WritePropertyName("processStartedAt"u8);
        if (v.ProcessStartedAt is { } started)
        {
            w.WriteStringValue(started);
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteEndObject();
    }

    private static void List<T>(Utf8JsonWriter w, List<T>? items, Action<Utf8JsonWriter, T> item)
    {
        if (items is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartArray();
        foreach (var x in items)
        {
            item(w, x);
        }

        w.WriteEndArray();
    }

    /// <summary>The whole file, when it is of the shape written here (else <see cref="NotCanonicalException"/>).</summary>
    internal static InvocationsFile ReadFile(ref CanonicalJsonReader r)
    {
        StoreJsonReader.Expect(ref r, JsonTokenType.StartObject);
        var v = new InvocationsFile();
        var seen = new StoreJsonReader.Seen();
        while (StoreJsonReader.NextProperty(ref r))
        {
            if (StoreJsonReader.Is(ref r, "schemaVersion"u8, ref seen, 0)) v.SchemaVersion = StoreJsonReader.Int32(ref r);
            else if (StoreJsonReader.Is(ref r, "invocations"u8, ref seen, 1)) v.Invocations = StoreJsonReader.List(ref r, Invocation);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static Invocation Invocation(ref CanonicalJsonReader r)
    {
        StoreJsonReader.Expect(ref r, JsonTokenType.StartObject);
        var v = new Invocation();
        var seen = new StoreJsonReader.Seen();
        while (StoreJsonReader.NextProperty(ref r))
        {
            if (StoreJsonReader.Is(ref r, "runId"u8, ref seen, 0)) v.RunId = StoreJsonReader.String(ref r);
            else if (StoreJsonReader.Is(ref r, "fingerprint"u8, ref seen, 1)) v.Fingerprint = StoreJsonReader.String(ref r);
            else if (StoreJsonReader.Is(ref r, "entry"u8, ref seen, 2)) v.Entry = OwnerOrNull(ref r);
            else if (StoreJsonReader.Is(ref r, "startedAt"u8, ref seen, 3)) v.StartedAt = StoreJsonReader.Date(ref r);
            else if (StoreJsonReader.Is(ref r, "lastActivity"u8, ref seen, 4)) v.LastActivity = StoreJsonReader.Date(ref r);
            else if (StoreJsonReader.Is(ref r, "participants"u8, ref seen, 5)) v.Participants = StoreJsonReader.List(ref r, Participant);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static Participant Participant(ref CanonicalJsonReader r)
    {
        StoreJsonReader.Expect(ref r, JsonTokenType.StartObject);
        var v = new Participant();
        var seen = new StoreJsonReader.Seen();
        while (StoreJsonReader.NextProperty(ref r))
        {
            if (StoreJsonReader.Is(ref r, "owner"u8, ref seen, 0)) v.Owner = StoreJsonReader.Object(ref r, Owner);
            else if (StoreJsonReader.Is(ref r, "active"u8, ref seen, 1)) v.Active = StoreJsonReader.Bool(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    /// <summary>An owner value or the null written for an entry process no node has named.</summary>
    private static OwnerInfo? OwnerOrNull(ref CanonicalJsonReader r)
    {
        StoreJsonReader.Next(ref r);
        return r.TokenType == JsonTokenType.Null ? null : Owner(ref r);
    }

    /// <summary>As the store's owner reader, but with the null this file writes for an unknown start time.</summary>
    private static OwnerInfo Owner(ref CanonicalJsonReader r)
    {
        StoreJsonReader.Expect(ref r, JsonTokenType.StartObject);
        int processId = 0;
        string? host = null;
        DateTimeOffset? started = null;
        var seen = new StoreJsonReader.Seen();
        while (StoreJsonReader.NextProperty(ref r))
        {
            if (StoreJsonReader.Is(ref r, "processId"u8, ref seen, 0))
            {
                processId = StoreJsonReader.Int32(ref r);
            }
            else if (StoreJsonReader.Is(ref r, "host"u8, ref seen, 1))
            {
                host = StoreJsonReader.String(ref r);
            }
            else if (StoreJsonReader.Is(ref r, "processStartedAt"u8, ref seen, 2))
            {
                StoreJsonReader.Next(ref r);
                started = r.TokenType == JsonTokenType.Null ? null
                    : r.TokenType == JsonTokenType.String && r.TryGetDateTimeOffset(out var at) ? at
                    : throw new NotCanonicalException();
            }
            else
            {
                throw new NotCanonicalException();
            }
        }

        return new OwnerInfo { ProcessId = processId, Host = host ?? throw new NotCanonicalException(), ProcessStartedAt = started };
    }
}
