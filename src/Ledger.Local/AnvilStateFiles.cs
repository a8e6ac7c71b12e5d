using System.Globalization;
using System.Text.Json;

namespace Ledger.Local;

/// <summary>
/// Keeps an anvil chain's state file recoverable. Anvil rewrites its state file in place every 2 s (<c>--state-interval
/// 2</c>), so a process killed mid-write (kill -9, the OOM killer, a power cut) leaves it cut short, and anvil then
/// refuses to start ("EOF while parsing"): the chain — members, consents, anchors — would be lost. The supervisor
/// therefore copies the file now and then and keeps the copy only if it is one whole JSON document
/// (<see cref="TrySnapshot"/>, <c>STATE.last-good</c>); before anvil starts again, <see cref="Repair"/> puts that copy
/// back if the state file is not whole (keeping the damaged one beside it as evidence). What the copy lacks is the last
/// few seconds of blocks before it was taken.
/// </summary>
public static class AnvilStateFiles
{
    /// <summary>The last complete copy of <paramref name="stateFile"/>.</summary>
    public static string LastGood(string stateFile) => stateFile + ".last-good";

    /// <summary>True when <paramref name="file"/> exists and is one whole JSON document.</summary>
    public static bool IsComplete(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var document = JsonDocument.Parse(stream);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Copies <paramref name="stateFile"/> to <see cref="LastGood"/> if it changed since <paramref name="since"/> and the
    /// copy is one whole document (a copy taken while anvil writes is dropped). Returns the state file's time when a copy
    /// was kept, otherwise <paramref name="since"/>.
    /// </summary>
    public static DateTime TrySnapshot(string stateFile, DateTime since)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateFile);
        try
        {
            if (!File.Exists(stateFile))
            {
                return since;
            }
            var written = File.GetLastWriteTimeUtc(stateFile);
            if (written <= since)
            {
                return since;
            }
            var temp = LastGood(stateFile) + ".tmp";
            File.Copy(stateFile, temp, overwrite: true);
            if (!IsComplete(temp) || File.GetLastWriteTimeUtc(stateFile) != written)
            {
                File.Delete(temp);
                return since;
            }
            File.Move(temp, LastGood(stateFile), overwrite: true);
            return written;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return since;
        }
    }

    /// <summary>
    /// Before anvil starts from <paramref name="stateFile"/>: when it is not one whole document and a last good copy
    /// exists, the damaged file is kept as <c>STATE.damaged-&lt;UTC time&gt;</c> and the copy is put in its place. Returns a
    /// sentence saying so, or null when nothing had to be done.
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1657 when the file is damaged and there is no good copy.</exception>
    public static string? Repair(string stateFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateFile);
        if (!File.Exists(stateFile) || IsComplete(stateFile))
        {
            return null;
        }
        var lastGood = LastGood(stateFile);
        if (!File.Exists(lastGood) || !IsComplete(lastGood))
        {
            throw LocalErrors.ChainLost(
                $"The anvil state file {stateFile} is cut short (anvil was killed while writing it) and there is no complete copy of it ({lastGood}), so the chain cannot come back as the nodes knew it.");
        }
        var damaged = stateFile + ".damaged-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssfffZ", CultureInfo.InvariantCulture);
        File.Move(stateFile, damaged);
        File.Copy(lastGood, stateFile);
        return string.Create(CultureInfo.InvariantCulture,
            $"the state file was cut short (anvil died while writing it; kept as {Path.GetFileName(damaged)}), so the last complete copy, of {File.GetLastWriteTimeUtc(lastGood):HH:mm:ss} UTC, was put back");
    }
}
