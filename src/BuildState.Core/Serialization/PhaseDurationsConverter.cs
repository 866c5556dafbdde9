using System.Text.Json;
using System.Text.Json.Serialization;
using BuildState.Model;

namespace BuildState.Serialization;

/// <summary>
/// <see cref="PhaseDurations"/> as the JSON object a <c>Dictionary&lt;string, double&gt;</c> was
/// (phase names as they are, numbers as values, a repeated name's last value wins): the fallback
/// serializer's view of it, which the hand-written reader and writer match byte for byte.
/// </summary>
internal sealed class PhaseDurationsConverter : JsonConverter<PhaseDurations>
{
    public override PhaseDurations Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("phaseDurationsMs must be an object of phase names and milliseconds");
        }

        var durations = new PhaseDurations();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var phase = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new JsonException($"the duration of phase '{phase}' must be a number of milliseconds");
            }

            durations[phase] = reader.GetDouble();
        }

        return durations;
    }

    public override void Write(Utf8JsonWriter writer, PhaseDurations value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        for (var i = 0; i < value.Count; i++)
        {
            writer.WriteNumber(value.PhaseAt(i), value.MillisecondsAt(i));
        }

        writer.WriteEndObject();
    }
}
