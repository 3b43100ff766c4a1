/** Photos of issues (上报, 办结, 完成): compressed and stored as every photo is (src/ui/photo.ts). */
export { addPhoto as addIssuePhoto, PHOTO_MAX_SIDE, PHOTO_QUALITY } from '@/ui/photo'
