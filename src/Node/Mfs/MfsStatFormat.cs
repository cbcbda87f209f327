using System.Globalization;

namespace P2P.Node.Mfs;

/// <summary>kubo's `files stat` text (--format tokens, --hash, --size) and JSON (statOutput, Mode as octal text).</summary>
public static class MfsStatFormat
{
    public const string Default = "<hash>\nSize: <size>\nCumulativeSize: <cumulsize>\nChildBlocks: <childs>\nType: <type>\nMode: <mode> (<mode-octal>)\nMtime: <mtime>";

    private const string Unspecified = "not set";

    /// <summary>The format the options ask for; more than one of them is kubo's "invalid parameters" error.</summary>
    public static string Choose(string? format, bool hash, bool size)
    {
        var custom = format is not null && format != Default;
        if ((hash ? 1 : 0) + (size ? 1 : 0) + (custom ? 1 : 0) > 1)
            throw MfsError.Bad("invalid parameters: format was set by multiple options. Only one format option is allowed");
        return hash ? "<hash>" : size ? "<cumulsize>" : format ?? Default;
    }

    public static string Render(string format, MfsStat stat)
    {
        string mode = Unspecified, octal = Unspecified, mtime = Unspecified, seconds = Unspecified, nanos = Unspecified;
        if (stat.Mode != 0)
        {
            mode = ModeString(stat.Mode);
            octal = "0" + Convert.ToString(stat.Mode & 0x1FF, 8);
        }
        if (stat.Mtime > 0)
        {
            mtime = DateTimeOffset.FromUnixTimeSeconds(stat.Mtime).UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
            seconds = stat.Mtime.ToString(CultureInfo.InvariantCulture);
            nanos = stat.MtimeNsecs.ToString(CultureInfo.InvariantCulture);
        }
        return format.Replace("<hash>", stat.Hash).Replace("<size>", N(stat.Size)).Replace("<cumulsize>", N(stat.CumulativeSize))
            .Replace("<childs>", N((ulong)stat.Blocks)).Replace("<type>", stat.Type).Replace("<mode>", mode).Replace("<mode-octal>", octal)
            .Replace("<mtime>", mtime).Replace("<mtime-secs>", seconds).Replace("<mtime-nsecs>", nanos);
    }

    /// <summary>kubo's JSON: Mode, Mtime and MtimeNsecs only when set (omitempty), Mode as four octal digits.</summary>
    public static Dictionary<string, object> Json(MfsStat stat)
    {
        var json = new Dictionary<string, object>
        {
            ["Hash"] = stat.Hash,
            ["Size"] = stat.Size,
            ["CumulativeSize"] = stat.CumulativeSize,
            ["Blocks"] = stat.Blocks,
            ["Type"] = stat.Type,
        };
        if (stat.Mode != 0)
            json["Mode"] = Convert.ToString(stat.Mode, 8).PadLeft(4, '0');
        if (stat.Mtime != 0)
            json["Mtime"] = stat.Mtime;
        if (stat.MtimeNsecs != 0)
            json["MtimeNsecs"] = stat.MtimeNsecs;
        return json;
    }

    /// <summary>Go's FileMode.String() lower-cased, for the permission bits and the symlink type.</summary>
    private static string ModeString(uint mode)
    {
        var type = (mode & (1u << 27)) != 0 ? 'l' : '-';
        const string rwx = "rwxrwxrwx";
        var bits = new char[9];
        for (var i = 0; i < 9; i++)
            bits[i] = (mode & (1u << (8 - i))) != 0 ? rwx[i] : '-';
        return type + new string(bits);
    }

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
