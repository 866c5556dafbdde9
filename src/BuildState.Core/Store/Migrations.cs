using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BuildState.Errors;
using BuildState.Serialization;

namespace BuildState.Store;

/// <summary>
/// Schema upgrades, one step per version. Files are upgraded in memory when read; <c>buildstate
/// migrate</c> (<see cref="BuildStore.Migrate"/>) rewrites them on disk. A file from a newer
/// version than this code knows is refused, never guessed at.
/// </summary>
public static class Migrations
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = StoreLimits.MaxJsonDepth };

    /// <summary>Reads <c>schemaVersion</c> (or v1's <c>schema_version</c>) from the top level without deserializing the file.</summary>
    public static int PeekSchemaVersion(ReadOnlySpan<byte> utf8, string path)
    {
        if (LeadingSchemaVersion(utf8) is { } leading)
        {
            return leading;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = StoreLimits.MaxJsonDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw BuildStateException.Corrupt(path, "the file is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("schemaVersion"u8) || reader.ValueTextEquals("schema_version"u8);
                reader.Read();
                if (isVersion)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var version))
                    {
                        throw BuildStateException.Corrupt(path, "schemaVersion is not a whole number");
                    }

                    return version;
                }

                reader.Skip();
            }

            throw BuildStateException.Corrupt(path, "the file has no schemaVersion");
        }
        catch (JsonException e)
        {
            throw BuildStateException.Corrupt(path, $"not valid JSON{JsonErrorText.Where(e)}: {JsonErrorText.Message(e)}", e);
        }
    }

    /// <summary>
    /// The version when it is the first member, as the store writes it, read without
    /// <see cref="Utf8JsonReader"/> (whose first use JIT-compiles its scanning in every MSBuild node);
    /// null for anything else, which the reader above then decides (and reports) as before.
    /// </summary>
    private static int? LeadingSchemaVersion(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new CanonicalJsonReader(utf8, StoreLimits.MaxJsonDepth);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("schemaVersion"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) ? version : null;
        }
        catch (NotCanonicalException)
        {
            return null;
        }
    }

    /// <summary>
    /// The error for a file of a schema newer than this code reads: no damage, and nothing this
    /// version may repair or rewrite; the message says what to do.
    /// </summary>
    public static BuildStateException NewerSchema(string path, int version) => new(
        StoreErrorKind.NewerSchema,
        $"written by a newer BuildState (schema {version}; this tool reads up to {StoreSchema.Current}): upgrade the buildstate tool/SDK",
        path);

    /// <summary>
    /// The file's schema version when it is newer than this code reads, else null; never throws. For
    /// a file that failed another check (its checksum, its shape): a newer writer may have changed
    /// what those checks expect, and its file must be refused as newer, never taken for damage.
    /// </summary>
    public static int? NewerVersionOf(ReadOnlySpan<byte> utf8, string path)
    {
        try
        {
            return PeekSchemaVersion(utf8, path) is var version && version > StoreSchema.Current ? version : null;
        }
        catch (BuildStateException)
        {
            return null;
        }
    }

    /// <summary>Upgrades a state file's bytes from <paramref name="version"/> to <see cref="StoreSchema.Current"/>.</summary>
    public static byte[] UpgradeState(byte[] utf8, int version, string path)
    {
        if (version > StoreSchema.Current)
        {
            throw NewerSchema(path, version);
        }

        if (version < StoreSchema.OldestSupported)
        {
            throw BuildStateException.Corrupt(path, $"schema version {version} is not a known version (oldest supported: {StoreSchema.OldestSupported})");
        }

        JsonObject node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: DocumentOptions) as JsonObject
                ?? throw BuildStateException.Corrupt(path, "the file is not a JSON object");
        }
        catch (JsonException e)
        {
            throw BuildStateException.Corrupt(path, $"not valid JSON{JsonErrorText.Where(e)}: {JsonErrorText.Message(e)}", e);
        }

        try
        {
            if (version == 1)
            {
                node = V1ToV2(node);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw BuildStateException.Corrupt(path, $"cannot upgrade from schema version {version}: {e.Message}", e);
        }

        return JsonSerializer.SerializeToUtf8Bytes(node, StoreJsonNodeContext.Default.JsonObject);
    }

    /// <summary>
    /// Version 1 is the prototype's shape (the seed framework's BuildState): <c>schema_version</c>,
    /// <c>timestamp</c>, upper-case phases (<c>BUILD</c>), lower-case statuses (<c>completed</c>),
    /// artifacts as a bare list of paths, dependencies as an object, checkpoints as a list of ids and
    /// resources as free-form values.
    /// </summary>
    private static JsonObject V1ToV2(JsonObject v1)
    {
        var timestamp = v1["timestamp"]?.GetValue<string>() ?? DateTimeOffset.UnixEpoch.ToString("O", CultureInfo.InvariantCulture);
        var phase = Pascal(v1["phase"]?.GetValue<string>() ?? throw new InvalidOperationException("no phase"));
        var status = (v1["status"]?.GetValue<string>() ?? "running").ToLowerInvariant() switch
        {
            "running" or "in_progress" or "pending" => "Running",
            "completed" or "succeeded" or "success" => "Succeeded",
            "failed" or "error" => "Failed",
            "interrupted" => "Interrupted",
            var other => throw new InvalidOperationException($"unknown status '{other}'"),
        };

        var artifacts = new JsonArray();
        foreach (var item in v1["artifacts"] as JsonArray ?? [])
        {
            artifacts.Add((JsonNode)new JsonObject { ["path"] = item!.GetValue<string>(), ["size"] = 0, ["sha256"] = "", ["lastWriteUtc"] = timestamp });
        }

        var dependencies = new JsonArray();
        switch (v1["dependencies"])
        {
            case JsonObject deps:
                foreach (var (name, _) in deps)
                {
                    dependencies.Add((JsonNode)name);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    dependencies.Add((JsonNode)item!.GetValue<string>());
                }

                break;
        }

        var checkpoints = new JsonArray();
        foreach (var item in v1["checkpoints"] as JsonArray ?? [])
        {
            checkpoints.Add((JsonNode)new JsonObject { ["id"] = item!.GetValue<string>(), ["phase"] = phase, ["createdAt"] = timestamp });
        }

        var metadata = new JsonObject();
        foreach (var (name, value) in v1["metadata"] as JsonObject ?? [])
        {
            metadata[name] = value is JsonValue ? value.ToString() : value?.ToJsonString();
        }

        var resources = v1["resources"] as JsonObject ?? [];
        foreach (var (name, value) in resources)
        {
            metadata["resource." + name] = value is JsonValue ? value.ToString() : value?.ToJsonString();
        }

        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["id"] = v1["id"]?.GetValue<string>() ?? throw new InvalidOperationException("no id"),
            ["lifecycle"] = "Default",
            ["phase"] = phase,
            ["status"] = status,
            ["sequence"] = 0,
            ["createdAt"] = timestamp,
            ["updatedAt"] = timestamp,
            ["artifacts"] = artifacts,
            ["dependencies"] = dependencies,
            ["checkpoints"] = checkpoints,
            ["metadata"] = metadata,
            ["resources"] = new JsonObject
            {
                ["machine"] = resources["machine"]?.ToString(),
                ["phaseDurationsMs"] = new JsonObject(),
            },
        };
    }

    private static string Pascal(string upper) =>
        upper.Length == 0 ? upper : char.ToUpperInvariant(upper[0]) + upper[1..].ToLowerInvariant();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class StoreJsonNodeContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
