-- CreateTable
CREATE TABLE "RebuildRequest" (
    "siteId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3),
    "pendingSince" TIMESTAMP(3),
    "reason" TEXT,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "holder" TEXT,
    "leasedUntil" TIMESTAMP(3),
    "lastStartedAt" TIMESTAMP(3),
    "lastFinishedAt" TIMESTAMP(3),
    "lastDurationMs" INTEGER,
    "lastOutcome" TEXT,
    "lastError" TEXT,

    CONSTRAINT "RebuildRequest_pkey" PRIMARY KEY ("siteId")
);

-- CreateIndex
CREATE INDEX "RebuildRequest_dueAt_idx" ON "RebuildRequest"("dueAt");

