-- CreateTable
CREATE TABLE "RebuildRequest" (
    "siteId" TEXT NOT NULL PRIMARY KEY,
    "dueAt" DATETIME,
    "pendingSince" DATETIME,
    "reason" TEXT,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "holder" TEXT,
    "leasedUntil" DATETIME,
    "lastStartedAt" DATETIME,
    "lastFinishedAt" DATETIME,
    "lastDurationMs" INTEGER,
    "lastOutcome" TEXT,
    "lastError" TEXT
);

-- CreateIndex
CREATE INDEX "RebuildRequest_dueAt_idx" ON "RebuildRequest"("dueAt");

